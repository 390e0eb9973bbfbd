import type { Conversion } from '@relay/contracts';
import { useMutation } from '@tanstack/react-query';
import { conversionsApi } from '../api/conversions-api.ts';

/**
 * Saves a job's result: the gateway hands out a short-lived link (it needs the token, a plain link
 * cannot carry it), and the browser goes to it; the link itself says "attachment" with the result's
 * name, so the page stays and the file goes straight to disk, however large.
 */
export function useDownloadConversion() {
  return useMutation({
    mutationFn: async ({ downloadPath }: Pick<Conversion, 'resultName'> & { downloadPath: string }) => {
      const { url } = await conversionsApi.downloadLink(downloadPath);
      const link = document.createElement('a');
      link.href = url;
      link.rel = 'noopener';
      link.click();
    },
  });
}
