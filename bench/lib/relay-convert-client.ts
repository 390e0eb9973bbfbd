import { performance } from 'node:perf_hooks';
import { type Conversion, type ServerFrame, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '@relay/contracts';
import type { TestUser } from '@relay/testing';
import { WebSocket } from 'ws';

export interface StatusSocket {
  waitFor(id: string): Promise<'done' | 'failed'>;
  close(): void;
}

/** One WebSocket for the whole run; each job's end arrives as a `conversion.status` frame. */
export async function statusSocket(gatewayUrl: string, user: TestUser): Promise<StatusSocket> {
  const socket = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}/ws`, [
    WS_PROTOCOL,
    `${WS_TOKEN_PROTOCOL_PREFIX}${user.accessToken}`,
  ]);
  const ended = new Map<string, 'done' | 'failed'>();
  const waiting = new Map<string, (status: 'done' | 'failed') => void>();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    if (frame.type !== 'conversion.status') return;
    const { conversionId, status } = frame.status;
    if (status !== 'done' && status !== 'failed') return;
    const resolve = waiting.get(conversionId);
    if (resolve === undefined) ended.set(conversionId, status);
    else resolve(status);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    waitFor: (id) =>
      new Promise((resolve) => {
        const early = ended.get(id);
        if (early !== undefined) resolve(early);
        else waiting.set(id, resolve);
      }),
    close: () => socket.close(),
  };
}

/**
 * One conversion end to end through the gateway: upload, `done` on the owner's WebSocket, download of
 * the PDF. Resolves with the PDF (undefined when the job failed), the seconds upload → done and upload →
 * downloaded.
 */
export async function relayConvert(
  gatewayUrl: string,
  user: TestUser,
  socket: StatusSocket,
  name: string,
  bytes: Buffer,
): Promise<{ pdf: Buffer | undefined; doneSeconds: number; seconds: number }> {
  const begin = performance.now();
  const form = new FormData();
  form.set('target', 'pdf');
  form.set('file', new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(`${gatewayUrl}/api/conversions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.accessToken}` },
    body: form,
  });
  if (response.status !== 202)
    throw new Error(`upload answered ${response.status}: ${await response.text()}`);
  const { id } = (await response.json()) as Conversion;
  const status = await socket.waitFor(id);
  const doneSeconds = (performance.now() - begin) / 1000;
  if (status === 'failed') return { pdf: undefined, doneSeconds, seconds: doneSeconds };
  const link = await fetch(`${gatewayUrl}/api/conversions/${id}/download`, {
    headers: { authorization: `Bearer ${user.accessToken}` },
    redirect: 'manual',
  });
  const pdf = Buffer.from(await (await fetch(link.headers.get('location') as string)).arrayBuffer());
  return { pdf, doneSeconds, seconds: (performance.now() - begin) / 1000 };
}
