import { z } from 'zod';

/** `NAME=` (empty, as in .env.example) means unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** The standard OpenTelemetry variables Relay reads; tracing is off while no endpoint is set. */
export const tracingEnv = {
  /** OTLP/HTTP collector base URL (Jaeger: http://127.0.0.1:4318); spans go to `<it>/v1/traces`. Empty = off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(z.url()),
  /** Overrides the process's own name (gateway-api, chat-consumer, …) in the traces. */
  OTEL_SERVICE_NAME: optional(z.string().max(100)),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .default('parentbased_always_on'),
  /** The ratio of the `*traceidratio` samplers, 0..1. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
};
