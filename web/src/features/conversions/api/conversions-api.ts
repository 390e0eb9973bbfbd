import {
  Conversion,
  ConversionDownloadLink,
  ConversionFormats,
  ConversionPage,
  type TargetFormat,
} from '@relay/contracts';
import { api } from '../../../lib/api/api.ts';

export interface ConversionUpload {
  file: File;
  target: TargetFormat;
  pdfa: boolean;
}

const PAGE_SIZE = 20;

/** The gateway's /api/conversions endpoints. */
export const conversionsApi = {
  formats: () => api.request('/api/conversions/formats', { authenticated: false, schema: ConversionFormats }),
  page: (before?: string) => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (before !== undefined) query.set('before', before);
    return api.request(`/api/conversions?${query}`, { schema: ConversionPage });
  },
  upload: ({ file, target, pdfa }: ConversionUpload, onUploadProgress: (fraction: number) => void) => {
    const body = new FormData();
    // The gateway reads the fields before the file, so they go first.
    body.append('target', target);
    if (target === 'pdf') body.append('pdfa', String(pdfa));
    body.append('file', file);
    return api.request('/api/conversions', { method: 'POST', body, schema: Conversion, onUploadProgress });
  },
  /** The short-lived link to the result, as JSON: a page cannot read the cross-origin redirect. */
  downloadLink: (downloadPath: string) => api.request(downloadPath, { schema: ConversionDownloadLink }),
  /** The result's first page (WebP), as a blob: an <img> could not send the token itself. */
  thumbnail: (thumbnailPath: string) => api.blob(thumbnailPath),
  remove: (id: string) => api.request(`/api/conversions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
