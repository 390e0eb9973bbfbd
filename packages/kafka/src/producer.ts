import { ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import { CORRELATION_HEADER } from '@relay/contracts';
import { currentCorrelationId } from '@relay/platform';

export interface OutgoingEvent {
  topic: string;
  /** Partition key: events with one key keep their order. */
  key: string;
  value: unknown;
}

export interface EventProducerOptions {
  clientId: string;
  brokers: string[];
}

/**
 * Idempotent producer with acks=all: `publish` resolves only after every in-sync
 * replica has the events, and a retried send never writes a second copy.
 */
export class EventProducer {
  readonly #producer: Producer<string, string, string, string>;

  constructor(options: EventProducerOptions) {
    this.#producer = new Producer({
      clientId: options.clientId,
      bootstrapBrokers: options.brokers,
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      retries: 10,
      retryDelay: 200,
    });
  }

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    const correlationId = currentCorrelationId();
    const headers: Record<string, string> =
      correlationId === undefined ? {} : { [CORRELATION_HEADER]: correlationId };
    await this.#producer.send({
      messages: events.map((event) => ({
        topic: event.topic,
        key: event.key,
        value: JSON.stringify(event.value),
        headers,
      })),
    });
  }

  /** Readiness: the broker answers a metadata request. */
  async ping(): Promise<void> {
    await this.#producer.metadata({ topics: [] });
  }

  async close(): Promise<void> {
    await this.#producer.close();
  }
}
