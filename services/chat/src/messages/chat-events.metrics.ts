import type { BatchConsumerMetrics } from '@relay/kafka';
import { type Metrics, metricCounter, metricHistogram } from '@relay/platform';

/** What chat-consumer counts, in the process's registry (served at /metrics when it has a port). */
export function chatConsumerMetrics(metrics: Metrics): BatchConsumerMetrics {
  const consumed = metricCounter(metrics, 'chat_consumer_records_total', 'Records read from chat_service');
  const applied = metricCounter(metrics, 'chat_consumer_events_applied_total', 'Events applied to the store');
  const deadLettered = metricCounter(
    metrics,
    'chat_consumer_dead_lettered_total',
    'Records sent to chat_service.dlq: undecodable, or refused by the store for their content',
  );
  const retries = metricCounter(
    metrics,
    'chat_consumer_batch_retries_total',
    'Failed batch attempts retried',
  );
  const reconnects = metricCounter(
    metrics,
    'chat_consumer_reconnects_total',
    'Message streams lost and the group joined again',
  );
  const batchSeconds = metricHistogram(
    metrics,
    'chat_consumer_apply_seconds',
    'Time of one store transaction: a batch, or a part of one while a refused record is isolated',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  return {
    consumed: (records) => consumed.inc(records),
    handled: (events) => applied.inc(events),
    deadLettered: (records) => deadLettered.inc(records),
    retried: () => retries.inc(),
    rejoined: () => reconnects.inc(),
    handling: () => {
      const end = batchSeconds.startTimer();
      return () => {
        end();
      };
    },
  };
}
