import { randomUUID } from 'node:crypto';
import { type ChatServiceEvent, EVENT_VERSION, Topics } from '@relay/contracts';
import type { EventProducer } from '@relay/kafka';
import { currentCorrelationId } from '@relay/platform';

type EventOf<Type extends ChatServiceEvent['type']> = Extract<ChatServiceEvent, { type: Type }>;

/** Wraps a payload in the `chat_service` envelope. */
export function chatEvent<Type extends ChatServiceEvent['type']>(
  type: Type,
  payload: EventOf<Type>['payload'],
): EventOf<Type> {
  const id = randomUUID();
  return {
    id,
    type,
    version: EVENT_VERSION,
    occurredAt: new Date().toISOString(),
    correlationId: currentCorrelationId() ?? id,
    payload,
  } as EventOf<Type>;
}

/**
 * Publishes chat events keyed by chat id: one chat's events stay in one partition, in order. The
 * correlation id travels in the envelope only (validated, and kept by the dead-letter topic).
 */
export function publishChatEvents(producer: EventProducer, events: readonly ChatServiceEvent[]) {
  return producer.publish(
    events.map((event) => ({ topic: Topics.chat, key: event.payload.chatId, value: event })),
    { correlationHeader: false },
  );
}
