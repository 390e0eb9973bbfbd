import { ConversionProblemCode, type PdfaLevel, type TargetFormat } from '@relay/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { ApiError, errorMessage } from '../../../lib/api/api-error.ts';
import { type ConversionUpload, conversionsApi } from '../api/conversions-api.ts';
import { conversionsCache } from './conversions-cache.ts';

/** What a file is converted with beyond its target; only for PDF. Empty strings mean "not asked". */
export interface FileOptions {
  pages: string;
  pdfa: PdfaLevel | undefined;
  pdfua: boolean;
  password: string;
}

/** The options of a combined PDF: PDF/A and PDF/UA do not survive the join. */
export type CombinedOptions = Pick<FileOptions, 'pages' | 'password'>;

/** Why an upload was refused; `retry` when trying again later can work (too many pending, no network). */
export interface UploadError {
  message: string;
  retry: boolean;
}

export interface PendingFile {
  key: string;
  file: File;
  /** Undefined when the file's format converts to nothing. */
  target: TargetFormat | undefined;
  options: FileOptions;
  uploading: boolean;
  progress: number;
  error: UploadError | undefined;
}

/** The one upload of a combined PDF: one progress, one error, for all its files. */
export interface CombinedUpload {
  uploading: boolean;
  progress: number;
  error: UploadError | undefined;
}

type Change = { target?: TargetFormat; options?: Partial<FileOptions> };

const NO_OPTIONS: FileOptions = { pages: '', pdfa: undefined, pdfua: false, password: '' };
const IDLE: CombinedUpload = { uploading: false, progress: 0, error: undefined };

function uploadError(error: unknown): UploadError {
  const retry =
    error instanceof ApiError &&
    (error.code === ConversionProblemCode.TooManyConversions || error.code === 'network');
  const message = errorMessage(error);
  return {
    message:
      error instanceof ApiError && error.code === ConversionProblemCode.TooManyConversions
        ? `${message} Wait a little, then retry.`
        : message,
    retry,
  };
}

/** The fields a file's own upload sends: options only for PDF, blank ones left out. */
function fileUpload({ file, target, options }: PendingFile & { target: TargetFormat }): ConversionUpload {
  if (target !== 'pdf') return { files: [file], target };
  const { pages, pdfa, pdfua, password } = options;
  return { files: [file], target, pages: pages.trim(), pdfa, pdfua, password };
}

/**
 * Files picked but not yet accepted by the gateway, each with its own target, options and upload
 * progress, in the order shown (the order a combined PDF joins them in). Once accepted, a file leaves
 * this list and its job joins the history.
 */
export function usePendingFiles(defaultTarget: (file: File) => TargetFormat | undefined) {
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [combined, setCombined] = useState<CombinedOptions>({ pages: '', password: '' });
  const [combinedUpload, setCombinedUpload] = useState<CombinedUpload>(IDLE);
  const patch = useCallback((keys: readonly string[], change: Partial<PendingFile>) => {
    setFiles((current) =>
      current.map((pending) => (keys.includes(pending.key) ? { ...pending, ...change } : pending)),
    );
  }, []);

  const add = (picked: readonly File[]) =>
    setFiles((current) => [
      ...current,
      ...picked.map((file) => ({
        key: crypto.randomUUID(),
        file,
        target: defaultTarget(file),
        options: NO_OPTIONS,
        uploading: false,
        progress: 0,
        error: undefined,
      })),
    ]);

  const change = (key: string, { target, options }: Change) =>
    setFiles((current) =>
      current.map((pending) =>
        pending.key === key
          ? {
              ...pending,
              target: target ?? pending.target,
              options: { ...pending.options, ...options },
              error: undefined,
            }
          : pending,
      ),
    );
  const changeCombined = (options: Partial<CombinedOptions>) => {
    setCombined((current) => ({
      pages: options.pages ?? current.pages,
      password: options.password ?? current.password,
    }));
    setCombinedUpload((current) => ({ ...current, error: undefined }));
  };
  const remove = (keys: readonly string[]) =>
    setFiles((current) => current.filter((pending) => !keys.includes(pending.key)));
  /** Moves a file one place up (-1) or down (+1). */
  const move = (key: string, by: -1 | 1) =>
    setFiles((current) => {
      const from = current.findIndex((pending) => pending.key === key);
      const to = from + by;
      const moving = current[from];
      if (moving === undefined || to < 0 || to >= current.length) return current;
      const next = current.filter((pending) => pending.key !== key);
      next.splice(to, 0, moving);
      return next;
    });

  const uploadOne = async (pending: PendingFile & { target: TargetFormat }) => {
    patch([pending.key], { uploading: true, progress: 0, error: undefined });
    try {
      const job = await conversionsApi.upload(fileUpload(pending), (progress) =>
        patch([pending.key], { progress }),
      );
      conversionsCache.add(queryClient, job);
      remove([pending.key]);
    } catch (error) {
      patch([pending.key], { uploading: false, error: uploadError(error) });
    }
  };

  const uploadCombined = async (group: readonly PendingFile[]) => {
    const keys = group.map((pending) => pending.key);
    patch(keys, { uploading: true, error: undefined });
    setCombinedUpload({ uploading: true, progress: 0, error: undefined });
    try {
      const job = await conversionsApi.upload(
        {
          files: group.map((pending) => pending.file),
          target: 'pdf',
          merge: true,
          pages: combined.pages.trim(),
          password: combined.password,
        },
        (progress) => setCombinedUpload((current) => ({ ...current, progress })),
      );
      conversionsCache.add(queryClient, job);
      remove(keys);
      setCombinedUpload(IDLE);
    } catch (error) {
      patch(keys, { uploading: false });
      setCombinedUpload({ uploading: false, progress: 0, error: uploadError(error) });
    }
  };

  /**
   * Uploads, all at once, every file that has a target, is not on its way already and is `accepted`:
   * each as its own job, or, when `combine`, all of them as one PDF in the list's order.
   */
  const convertAll = (accepted: (pending: PendingFile) => boolean, combine: boolean) => {
    const ready = files.filter(
      (pending): pending is PendingFile & { target: TargetFormat } =>
        !pending.uploading && pending.target !== undefined && accepted(pending),
    );
    if (combine) {
      if (ready.length > 0) void uploadCombined(ready);
      return;
    }
    for (const pending of ready) void uploadOne(pending);
  };

  /** Sends one file again after a refusal that waiting can cure. */
  const retry = (key: string) => {
    const pending = files.find((candidate) => candidate.key === key);
    if (pending?.target !== undefined && !pending.uploading)
      void uploadOne({ ...pending, target: pending.target });
  };

  return {
    files,
    combined,
    combinedUpload,
    add,
    change,
    changeCombined,
    remove: (key: string) => remove([key]),
    move,
    convertAll,
    retry,
  };
}
