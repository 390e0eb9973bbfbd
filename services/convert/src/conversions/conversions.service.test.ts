import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelLayer } from '@relay/channel-layer';
import type { ChannelEvent } from '@relay/contracts';
import type { ObjectStorage } from '@relay/object-storage';
import { createLogger } from '@relay/platform';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversionsRepository } from './conversions.repository.ts';
import type { ConversionRow } from './conversions.schema.ts';
import {
  ConversionsService,
  type ConversionsServiceOptions,
  type Submission,
} from './conversions.service.ts';
import type { PasswordVault } from './password-vault.ts';

const dir = mkdtempSync(join(tmpdir(), 'conversions-service-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The service over doubles that write down, in order, what reaches the queue and the channel layer. */
function serviceRecording(steps: string[], queueAdd: () => Promise<void> = async () => undefined) {
  const repository = {
    pendingCount: async () => 0,
    insertWithinCap: async (values: Omit<ConversionRow, 'status' | 'updatedAt' | 'queueTurn'>) =>
      ({
        ...values,
        status: 'queued',
        reason: null,
        resultBytes: null,
        queueTurn: 1,
        updatedAt: values.createdAt,
      }) as ConversionRow,
    delete: async () => steps.push('row deleted'),
  };
  const storage = {
    // Read whole, as S3's upload does, so the file is closed before the test's folder goes.
    put: async (_key: string, body: NodeJS.ReadableStream) => {
      for await (const _chunk of body);
    },
    delete: async () => undefined,
  };
  const queue = {
    add: async () => {
      steps.push('job queued');
      await queueAdd();
    },
  };
  const channelLayer = {
    groupSend: async (_group: string, event: ChannelEvent) => {
      if (event.type === 'conversion.status') steps.push(`status ${event.status.status}`);
      return 1;
    },
  };
  return new ConversionsService({
    repository: repository as unknown as ConversionsRepository,
    storage: storage as unknown as ObjectStorage,
    queue: queue as unknown as ConversionsServiceOptions['queue'],
    channelLayer: channelLayer as unknown as ChannelLayer,
    downloadLinkSeconds: 60,
    maxPendingPerOwner: 25,
    passwords: { put: async () => undefined, delete: async () => undefined } as unknown as PasswordVault,
    logger: createLogger({ name: 'conversions-service-test', level: 'silent' }),
  });
}

function submission(name: string): Submission {
  const path = join(dir, name);
  writeFileSync(path, 'plain text to convert\n');
  return { files: [{ path, name, bytes: 22 }], target: 'pdf', options: { pdfua: false, merge: false } };
}

describe('ConversionsService.submit', () => {
  it('announces `queued` before the job exists, so no worker’s `converting` can be heard first', async () => {
    const steps: string[] = [];
    const accepted = await serviceRecording(steps).submit('owner-1', submission('a.txt'));
    expect(accepted.status).toBe('queued');
    expect(steps).toEqual(['status queued', 'job queued']);
  });

  it('undoes the row when the job cannot be queued, and says so', async () => {
    const steps: string[] = [];
    const service = serviceRecording(steps, async () => {
      throw new Error('redis down');
    });
    await expect(service.submit('owner-1', submission('b.txt'))).rejects.toThrow('redis down');
    expect(steps).toEqual(['status queued', 'job queued', 'row deleted']);
  });
});
