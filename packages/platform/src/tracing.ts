import { createRequire } from 'node:module';
import {
  type Attributes,
  type Context,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { z } from 'zod';
import { loadConfig } from './config.ts';
import { withCorrelation } from './correlation.ts';
import { tracingEnv } from './tracing-env.ts';

export { type Span, SpanKind } from '@opentelemetry/api';

type TracingConfig = Readonly<z.infer<z.ZodObject<typeof tracingEnv>>>;

/** Requests that are probes, not work: never traced. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Undefined while tracing is off: every helper below then falls back to plain correlation scopes. */
let tracer: Tracer | undefined;
let provider: TracerProvider | undefined;

/**
 * Starts the SDK for this process (once, before it does any work): spans of inbound and outbound
 * HTTP (fetch included) plus the spans Relay's adapters make, sent over OTLP/HTTP in batches.
 * Does nothing without OTEL_EXPORTER_OTLP_ENDPOINT, so an untraced process pays nothing.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (provider !== undefined) return true;
  const config = loadConfig(tracingEnv, env);
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined) return false;
  const exporter = new OTLPTraceExporter({
    url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`,
  });
  provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.OTEL_SERVICE_NAME ?? serviceName }),
    sampler: samplerOf(config),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
        // Background calls (JWKS refresh, S3 health) start no traces of their own.
        requireParentforOutgoingSpans: true,
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  // The hooks patch a module as it is required; fastify (and others) required these before this ran.
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  tracer = trace.getTracer('relay');
  return true;
}

/** Sends the spans still buffered and stops the SDK; the last shutdown step. */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  provider = undefined;
  tracer = undefined;
  await stopping?.shutdown();
}

function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG);
  switch (config.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
  }
}

export function tracingEnabled(): boolean {
  return tracer !== undefined;
}

/** The active trace's id, the correlation id of whatever runs inside it. */
export function activeTraceId(): string | undefined {
  if (tracer === undefined) return undefined;
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext === undefined || !trace.isSpanContextValid(spanContext)
    ? undefined
    : spanContext.traceId;
}

/**
 * Names the active (server) span after its route, as OpenTelemetry's HTTP conventions do, and marks
 * it with a correlation id a client chose, so a search by that id finds the trace.
 */
export function tagRequestSpan(correlationId: string, method: string, route: string | undefined): void {
  if (tracer === undefined) return;
  const span = trace.getActiveSpan();
  if (span === undefined) return;
  if (route !== undefined) span.updateName(`${method} ${route}`).setAttribute('http.route', route);
  if (span.spanContext().traceId !== correlationId) span.setAttribute('relay.correlation_id', correlationId);
}

/** A carrier of W3C trace context (`traceparent`, `tracestate`): Kafka headers, job data. */
export type TraceCarrier = Record<string, string>;

/** Writes the active context (or `span`'s, within it) into `carrier`; a no-op while tracing is off. */
export function injectTraceContext(carrier: TraceCarrier, span?: Span): void {
  if (tracer === undefined) return;
  const active = context.active();
  propagation.inject(span === undefined ? active : trace.setSpan(active, span), carrier);
}

const mapGetter: TextMapGetter<ReadonlyMap<string, string>> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key),
};

/** The context a carrier (a plain object or a Kafka record's header map) holds; undefined if none. */
export function extractTraceContext(
  carrier: TraceCarrier | ReadonlyMap<string, string> | undefined,
): Context | undefined {
  if (tracer === undefined || carrier === undefined) return undefined;
  const extracted =
    carrier instanceof Map
      ? propagation.extract(ROOT_CONTEXT, carrier, mapGetter)
      : propagation.extract(ROOT_CONTEXT, carrier as TraceCarrier);
  return trace.getSpanContext(extracted) === undefined ? undefined : extracted;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The remote parent (from a carrier); without it the span starts a new trace. */
  parent?: Context | undefined;
  links?: Link[];
  /** Logged instead of the trace id (an id the work already carries); the trace id otherwise. */
  correlationId?: string | undefined;
}

/**
 * Runs `work` in a span of its own and in a correlation scope whose id is the span's trace id, so
 * log lines and traces share one id. Without tracing: a fresh correlation scope, nothing else.
 * The span ends when `work` returns, or settles if it returns a promise.
 */
export function inSpan<T>(name: string, options: SpanOptions, work: () => T): T {
  if (tracer === undefined) return withCorrelation(options.correlationId, work);
  // The SDK reads only its own fields of `options`: passed as is, no copy per span.
  return tracer.startActiveSpan(name, options, options.parent ?? ROOT_CONTEXT, (span) =>
    withCorrelation(options.correlationId ?? span.spanContext().traceId, () => endAfter(span, work)),
  );
}

/** Starts a span child of `parent` without making it active (for work that ends elsewhere). */
export function startSpan(name: string, options: SpanOptions): Span | undefined {
  if (tracer === undefined) return undefined;
  return tracer.startSpan(name, options, options.parent ?? context.active());
}

/** Ends a span, as failed when `error` is given. */
export function endSpan(span: Span | undefined, error?: unknown): void {
  if (span === undefined) return;
  if (error !== undefined) failSpan(span, error);
  span.end();
}

function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
}

function endAfter<T>(span: Span, work: () => T): T {
  let result: T;
  try {
    result = work();
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        endSpan(span, error);
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}
