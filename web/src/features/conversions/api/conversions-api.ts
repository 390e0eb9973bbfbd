import {
  Conversion,
  ConversionDownloadLink,
  ConversionFormats,
  ConversionPage,
  type PdfaLevel,
  type TargetFormat,
} from '@relay/contracts';
import { api } from '../../../lib/api/api.ts';

/** One job: one file, or several joined into one PDF (`merge`, in this order). Options are for PDF. */
export interface ConversionUpload {
  files: readonly File[];
  target: TargetFormat;
  pages?: string | undefined;
  pdfa?: PdfaLevel | undefined;
  pdfua?: boolean | undefined;
  /** Opens a protected file; sent once, never stored. */
  password?: string | undefined;
  merge?: boolean | undefined;
}

/** The multipart body of POST /api/conversions (ConversionUploadFields), fields before the files. */
function uploadBody({ files, target, pages, pdfa, pdfua, password, merge }: ConversionUpload): FormData {
  const body = new FormData();
  // The gateway reads the fields before the files, so they go first.
  body.append('target', target);
  if (pages) body.append('pages', pages);
  if (pdfa) body.append('pdfa', pdfa);
  if (pdfua) body.append('pdfua', 'true');
  if (password) body.append('password', password);
  if (merge) body.append('merge', 'true');
  for (const file of files) body.append('file', file);
  return body;
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
  upload: (upload: ConversionUpload, onUploadProgress: (fraction: number) => void) =>
    api.request('/api/conversions', {
      method: 'POST',
      body: uploadBody(upload),
      schema: Conversion,
      onUploadProgress,
    }),
  /** The short-lived link to the result, as JSON: a page cannot read the cross-origin redirect. */
  downloadLink: (downloadPath: string) => api.request(downloadPath, { schema: ConversionDownloadLink }),
  /** The result's first page (WebP), as a blob: an <img> could not send the token itself. */
  thumbnail: (thumbnailPath: string) => api.blob(thumbnailPath),
  remove: (id: string) => api.request(`/api/conversions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
