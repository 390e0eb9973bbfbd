import type { Conversion } from '@relay/contracts';
import { useMutation } from '@tanstack/react-query';
import { conversionsApi } from '../api/conversions-api.ts';

/**
 * Saves a job's result. The gateway's download answers a redirect to a presigned link, and only a
 * request carrying the token gets it, so it is fetched (the browser follows the redirect) and saved
 * from memory under the job's result name.
 */
export function useDownloadConversion() {
  return useMutation({
    mutationFn: async ({
      downloadPath,
      resultName,
    }: Pick<Conversion, 'resultName'> & { downloadPath: string }) =>
      saveFile(await conversionsApi.download(downloadPath), resultName),
  });
}

function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The click starts the download synchronously; the URL is not needed after it.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
