import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { currentCorrelationId } from './correlation.ts';
import {
  activeTraceId,
  extractTraceContext,
  injectTraceContext,
  inSpan,
  startTracing,
  stopTracing,
  type TraceCarrier,
} from './tracing.ts';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** A stand-in OTLP collector: records each export request's path and content type. */
const received: { url: string | undefined; type: string | undefined; bytes: number }[] = [];
const collector = createServer((request: IncomingMessage, response) => {
  let bytes = 0;
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  request.on('end', () => {
    received.push({ url: request.url, type: request.headers['content-type'], bytes });
    response.end();
  });
});
afterAll(() => collector.close());

describe('tracing while off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('does not start, and its helpers only open correlation scopes', () => {
    expect(startTracing('test', {})).toBe(false);
    const carrier: TraceCarrier = {};
    inSpan('work', {}, () => {
      injectTraceContext(carrier);
      expect(currentCorrelationId()).toMatch(/^[0-9a-f-]{36}$/);
      expect(activeTraceId()).toBeUndefined();
    });
    expect(carrier).toEqual({});
    expect(extractTraceContext(new Map([['traceparent', `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`]]))).toBe(
      undefined,
    );
    inSpan('work', { correlationId: 'kept' }, () => expect(currentCorrelationId()).toBe('kept'));
  });

  it('refuses a bad sampler setting by name', () => {
    expect(() =>
      startTracing('test', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1',
        OTEL_TRACES_SAMPLER: 'sometimes',
      }),
    ).toThrow(/OTEL_TRACES_SAMPLER/);
  });
});

describe('tracing while on', () => {
  it('starts with an endpoint', async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    expect(startTracing('tracing-test', { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/` })).toBe(
      true,
    );
  });

  it("gives each span's work the trace id as its correlation id", () => {
    const ids = [1, 2].map(() =>
      inSpan('frame', {}, () => {
        expect(currentCorrelationId()).toBe(activeTraceId());
        return currentCorrelationId();
      }),
    );
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
    // No parent: each is a trace of its own.
    expect(ids[1]).not.toBe(ids[0]);
  });

  it('carries a trace through Kafka record headers (a string map) into a child span', () => {
    const headers: TraceCarrier = { 'x-correlation-id': 'unrelated' };
    const producerTrace = inSpan('publish', {}, () => {
      injectTraceContext(headers);
      return activeTraceId();
    });
    expect(headers.traceparent).toMatch(TRACEPARENT);
    expect(headers.traceparent?.slice(3, 35)).toBe(producerTrace);

    // As the consumer reads them: a Map of header name to value.
    const parent = extractTraceContext(new Map(Object.entries(headers)));
    expect(parent).toBeDefined();
    inSpan('process', { parent }, () => {
      expect(activeTraceId()).toBe(producerTrace);
      expect(currentCorrelationId()).toBe(producerTrace);
    });
  });

  it('carries a trace through JSON job data, keeping an explicit correlation id for the logs', () => {
    const data = inSpan('upload', { correlationId: 'client-chosen' }, () => {
      const trace: TraceCarrier = {};
      injectTraceContext(trace);
      return JSON.parse(
        JSON.stringify({ correlationId: currentCorrelationId(), trace, traceId: activeTraceId() }),
      );
    }) as { correlationId: string; trace: TraceCarrier; traceId: string };
    inSpan('job', { parent: extractTraceContext(data.trace), correlationId: data.correlationId }, () => {
      expect(activeTraceId()).toBe(data.traceId);
      expect(currentCorrelationId()).toBe('client-chosen');
    });
  });

  it('finds no context in a carrier without a valid traceparent', () => {
    expect(extractTraceContext({})).toBeUndefined();
    expect(extractTraceContext(new Map([['traceparent', 'garbage']]))).toBeUndefined();
    expect(extractTraceContext(undefined)).toBeUndefined();
  });

  it('ends a span when its promise settles, and flushes every span over OTLP on stop', async () => {
    await expect(inSpan('fails', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await inSpan('succeeds', {}, () => Promise.resolve());
    await stopTracing();
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((request) => request.url === '/v1/traces')).toBe(true);
    expect(received[0]?.type).toBe('application/x-protobuf');
    expect(received.reduce((sum, request) => sum + request.bytes, 0)).toBeGreaterThan(0);
  });
});
