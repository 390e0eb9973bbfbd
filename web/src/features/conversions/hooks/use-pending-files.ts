import type { TargetFormat } from '@relay/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { errorMessage } from '../../../lib/api/api-error.ts';
import { conversionsApi } from '../api/conversions-api.ts';
import { conversionsCache } from './conversions-cache.ts';

export interface PendingFile {
  key: string;
  file: File;
  /** Undefined when the file's format converts to nothing. */
  target: TargetFormat | undefined;
  pdfa: boolean;
  uploading: boolean;
  progress: number;
  error: string | undefined;
}

type Change = Partial<Pick<PendingFile, 'target' | 'pdfa'>>;

/**
 * Files picked but not yet accepted by the gateway, each with its own choice of target and upload
 * progress. Once accepted, a file leaves this list and its job joins the history.
 */
export function usePendingFiles(defaultTarget: (file: File) => TargetFormat | undefined) {
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<PendingFile[]>([]);
  const patch = useCallback((key: string, change: Partial<PendingFile>) => {
    setFiles((current) =>
      current.map((pending) => (pending.key === key ? { ...pending, ...change } : pending)),
    );
  }, []);

  const add = (picked: readonly File[]) =>
    setFiles((current) => [
      ...current,
      ...picked.map((file) => ({
        key: crypto.randomUUID(),
        file,
        target: defaultTarget(file),
        pdfa: false,
        uploading: false,
        progress: 0,
        error: undefined,
      })),
    ]);

  const change = (key: string, choice: Change) => patch(key, { ...choice, error: undefined });
  const remove = (key: string) => setFiles((current) => current.filter((pending) => pending.key !== key));

  const upload = async ({ key, file, target, pdfa }: PendingFile & { target: TargetFormat }) => {
    patch(key, { uploading: true, progress: 0, error: undefined });
    try {
      const job = await conversionsApi.upload({ file, target, pdfa }, (progress) => patch(key, { progress }));
      conversionsCache.add(queryClient, job);
      remove(key);
    } catch (error) {
      patch(key, { uploading: false, error: errorMessage(error) });
    }
  };

  /** Uploads, all at once, every file that has a target, is not on its way already and is `accepted`. */
  const convertAll = (accepted: (file: File) => boolean) => {
    for (const pending of files) {
      if (!pending.uploading && pending.target !== undefined && accepted(pending.file)) {
        void upload({ ...pending, target: pending.target });
      }
    }
  };

  return { files, add, change, remove, convertAll };
}
