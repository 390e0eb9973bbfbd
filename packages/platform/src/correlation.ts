import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface CorrelationContext {
  correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/** Runs `work` with a correlation id that every log line and outgoing call inside it carries. */
export function withCorrelation<T>(correlationId: string | undefined, work: () => T): T {
  return storage.run({ correlationId: correlationId ?? randomUUID() }, work);
}

/** Binds the rest of the current async flow (used by HTTP hooks, where a callback cannot wrap it). */
export function enterCorrelation(correlationId: string): void {
  storage.enterWith({ correlationId });
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Accepts an inbound id only when it is short and plain, so it is safe to log and forward. */
export function sanitizeCorrelationId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}
