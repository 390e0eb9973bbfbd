import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Conversion } from '@relay/contracts';
import { Cluster, chatRows, ROOT, type TestUser } from '@relay/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The local Jaeger (infra/local/stack.sh): OTLP in on 4318, query API on 16686. */
const OTLP_ENDPOINT = process.env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://127.0.0.1:4318';
const JAEGER_QUERY = 'http://127.0.0.1:16686';

interface JaegerSpan {
  spanID: string;
  operationName: string;
  processID: string;
  references: { refType: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** The trace as Jaeger has it so far (spans arrive in batches from each process), or undefined. */
async function jaegerTrace(traceId: string): Promise<JaegerTrace | undefined> {
  const response = await fetch(`${JAEGER_QUERY}/api/traces/${traceId}`);
  if (response.status === 404) return undefined;
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: JaegerTrace[] }).data[0];
}

/** The trace once Jaeger holds spans of exactly `services` (sorted): exporters flush in batches. */
async function traceOf(traceId: string, services: string[]): Promise<JaegerTrace> {
  let trace: JaegerTrace | undefined;
  await expect
    .poll(
      async () => {
        trace = await jaegerTrace(traceId);
        return servicesOf(trace);
      },
      { timeout: 30_000, interval: 500 },
    )
    .toEqual(services);
  return trace as JaegerTrace;
}

const serviceOf = (trace: JaegerTrace, span: JaegerSpan) => trace.processes[span.processID]?.serviceName;
const servicesOf = (trace: JaegerTrace | undefined) =>
  [...new Set(trace?.spans.map((span) => serviceOf(trace, span)))].sort();

/** Each span's parent's service, as "child-service ← parent-service: operation". */
function edges(trace: JaegerTrace): string[] {
  const byId = new Map(trace.spans.map((span) => [span.spanID, span]));
  return trace.spans.flatMap((span) =>
    span.references
      .filter((reference) => reference.refType === 'CHILD_OF' && byId.has(reference.spanID))
      .map((reference) => {
        const parent = byId.get(reference.spanID) as JaegerSpan;
        return `${serviceOf(trace, span)}:${span.operationName} ← ${serviceOf(trace, parent)}:${parent.operationName}`;
      }),
  );
}

let cluster: Cluster;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  const jaeger = await fetch(`${JAEGER_QUERY}/api/services`).catch((error: unknown) => error);
  if (!(jaeger instanceof Response) || !jaeger.ok) {
    throw new Error(
      `Jaeger does not answer on ${JAEGER_QUERY}: start it with bash infra/local/stack.sh up jaeger`,
    );
  }
  cluster = await Cluster.start({
    gateways: 2,
    convert: true,
    // debug: the gateway's line about each sent message names its correlation id.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_ENDPOINT, LOG_LEVEL: 'debug', CONVERT_POOL_SIZE: '1' },
  });
  [alice, bob] = await Promise.all([cluster.user('Alice'), cluster.user('Bob')]);
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
});

describe('one chat message', () => {
  it('is one trace from the WebSocket frame through Kafka to the chat-consumer that stored it', async () => {
    const { chatId, onA } = await cluster.pairInChat(alice, bob);
    const { messageId } = await onA.client.send(chatId, 'traced');
    await expect
      .poll(() => chatRows(cluster.sqlitePath, chatId), { timeout: 30_000 })
      .toEqual({
        rows: 1,
        distinct: 1,
      });

    // The correlation id the gateway logged for the message's frame is its trace id.
    const loggedId = () => {
      const line = cluster.gateways[0]?.process
        .output()
        .split('\n')
        .find((text) => text.includes(messageId) && text.includes('"message sent"'));
      return (JSON.parse(line ?? '{}') as { correlationId?: string }).correlationId ?? '';
    };
    await expect.poll(loggedId, { timeout: 10_000 }).toMatch(/^[0-9a-f]{32}$/);
    const traceId = loggedId();

    const trace = await traceOf(traceId, ['chat-consumer', 'gateway-api']);
    // Linked parent to child, not merely the same id: frame → publish → the consumer's record span.
    expect(edges(trace)).toEqual(
      expect.arrayContaining([
        'gateway-api:publish chat_service ← gateway-api:ws frame',
        'chat-consumer:process chat_service ← gateway-api:publish chat_service',
      ]),
    );
    const consumed = trace?.spans.find((span) => span.operationName === 'process chat_service');
    expect(consumed?.tags).not.toContainEqual(expect.objectContaining({ key: 'error', value: true }));
  });
});

describe('one conversion', () => {
  it('is one trace from the upload at the gateway through convert-api and its job to convert-worker', async () => {
    const form = new FormData();
    form.set('target', 'pdf');
    form.set(
      'file',
      new Blob([
        new Uint8Array(await readFile(join(ROOT, 'services/convert/test/fixtures/formats/sample.docx'))),
      ]),
      'Traced.docx',
    );
    const response = await fetch(`${cluster.gatewayUrls[0]}/api/conversions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.accessToken}` },
      body: form,
    });
    expect(response.status).toBe(202);
    // No correlation id sent: the one answered is the request's trace id.
    const traceId = response.headers.get('x-correlation-id') ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const { id } = (await response.json()) as Conversion;
    await expect
      .poll(
        async () => {
          const job = await fetch(`${cluster.gatewayUrls[0]}/api/conversions/${id}`, {
            headers: { authorization: `Bearer ${alice.accessToken}` },
          });
          return ((await job.json()) as Conversion).status;
        },
        { timeout: 60_000 },
      )
      .toBe('done');

    const trace = await traceOf(traceId, ['convert-api', 'convert-worker', 'gateway-api']);
    // The worker's job span hangs under convert-api's request, which hangs under the gateway's call.
    const links = edges(trace);
    expect(links).toContainEqual(expect.stringMatching(/^convert-worker:convert process ← convert-api:/));
    expect(links).toContainEqual(expect.stringMatching(/^convert-api:POST \S+ ← gateway-api:POST$/));
    // Server spans are named by route.
    expect(links).toContainEqual('gateway-api:POST ← gateway-api:POST /api/conversions');
  });
});
