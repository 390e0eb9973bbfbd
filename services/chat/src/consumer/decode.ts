import { ChatServiceEvent, EVENT_VERSION } from '@relay/contracts';

export type Decoded = { ok: true; event: ChatServiceEvent } | { ok: false; reason: string };

/** One record's value as an event, or why it is poison (it then goes to the dead-letter topic). */
export function decodeRecord(value: string | undefined | null): Decoded {
  if (value === undefined || value === null || value === '') return { ok: false, reason: 'empty value' };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (version !== EVENT_VERSION)
    return { ok: false, reason: `unsupported version ${JSON.stringify(version ?? null)}` };
  const parsed = ChatServiceEvent.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `schema: ${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, event: parsed.data };
}
