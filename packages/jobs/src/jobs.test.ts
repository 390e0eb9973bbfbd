import { activeTraceId, currentCorrelationId, inSpan, startTracing, withCorrelation } from '@relay/platform';
import { describe, expect, it } from 'vitest';
import { inJobScope, jobEnvelope } from './jobs.ts';

/** The envelope as the worker reads it back from Redis: JSON. */
const stored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('a job envelope', () => {
  it('without tracing: carries the correlation id only, and the worker logs under it', async () => {
    const envelope = stored(withCorrelation('corr-job-1', () => jobEnvelope({ id: 1 })));
    expect(envelope).toEqual({ correlationId: 'corr-job-1', payload: { id: 1 } });
    await inJobScope(envelope, 'convert', 'conversions', async () => {
      expect(currentCorrelationId()).toBe('corr-job-1');
    });
  });

  it("with tracing: the worker's span continues the trace of the code that added the job", async () => {
    // A collector that is never reached: nothing here is flushed.
    startTracing('jobs-test', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    const { envelope, traceId } = inSpan('upload', {}, () => ({
      envelope: stored(jobEnvelope({ id: 2 })),
      traceId: activeTraceId(),
    }));
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(envelope.correlationId).toBe(traceId);
    expect(envelope.trace?.traceparent).toContain(traceId);

    const seen = await inJobScope(envelope, 'convert', 'conversions', async () => ({
      traceId: activeTraceId(),
      correlationId: currentCorrelationId(),
    }));
    expect(seen).toEqual({ traceId, correlationId: traceId });
  });

  it('with tracing but no trace in the envelope (added by an untraced process): a new trace, the old id', async () => {
    const seen = await inJobScope(
      stored({ correlationId: 'from-before', payload: {} }),
      'x',
      'q',
      async () => ({
        traceId: activeTraceId(),
        correlationId: currentCorrelationId(),
      }),
    );
    expect(seen.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.correlationId).toBe('from-before');
  });
});
