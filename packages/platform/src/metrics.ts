import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export type { Counter, Histogram } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/** One registry per process, labelled with the service, so scrapes of several processes stay apart. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, httpRequestDuration };
}

/** A counter of the process's own, beside the HTTP ones (e.g. records a consumer read). */
export function metricCounter(metrics: Metrics, name: string, help: string): Counter {
  return new Counter({ name, help, registers: [metrics.registry] });
}

export function metricHistogram(
  metrics: Metrics,
  name: string,
  help: string,
  buckets: readonly number[],
): Histogram {
  return new Histogram({ name, help, buckets: [...buckets], registers: [metrics.registry] });
}
