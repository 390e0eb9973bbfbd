import type { ChannelLayer } from '@relay/channel-layer';
import { type Conversion, type ConversionStatusChanged, Groups, type TargetFormat } from '@relay/contracts';
import { type ConversionRow, rowSources } from './conversions.schema.ts';
import { hasPages } from './thumbnail.ts';

/** The gateway route that redirects the owner to a short-lived link. */
const downloadPath = (id: string) => `/api/conversions/${id}/download`;
/** The gateway route that streams the result's first page as a small WebP image (made when first asked for). */
const thumbnailPath = (row: ConversionRow) =>
  row.status === 'done' && hasPages(row.target as TargetFormat)
    ? `/api/conversions/${row.id}/thumbnail`
    : null;

/** A job as its owner sees it: no object keys, no other owner's anything. */
export function toConversion(row: ConversionRow): Conversion {
  return {
    id: row.id,
    status: row.status,
    sourceName: row.sourceName,
    sourceFormat: row.sourceFormat as Conversion['sourceFormat'],
    sourceBytes: row.sourceBytes,
    target: row.target as Conversion['target'],
    pdfa: row.pdfa,
    pdfua: row.pdfua,
    pages: row.pages,
    sources: rowSources(row).map(({ name, format, bytes }) => ({
      name,
      format: format as Conversion['sourceFormat'],
      bytes,
    })),
    resultName: row.resultName,
    resultBytes: row.resultBytes,
    reason: row.reason,
    downloadPath: row.status === 'done' ? downloadPath(row.id) : null,
    thumbnailPath: thumbnailPath(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Tells the owner's open pages (their group, through the gateway's WebSocket) of a transition. */
export async function publishStatus(channelLayer: ChannelLayer, row: ConversionRow): Promise<void> {
  const status: ConversionStatusChanged = {
    conversionId: row.id,
    ownerId: row.ownerId,
    status: row.status,
    at: row.updatedAt.toISOString(),
  };
  if (row.status === 'done') status.downloadPath = downloadPath(row.id);
  const thumbnail = thumbnailPath(row);
  if (thumbnail !== null) status.thumbnailPath = thumbnail;
  if (row.status === 'failed' && row.reason !== null) status.reason = row.reason;
  await channelLayer.groupSend(Groups.user(row.ownerId), { type: 'conversion.status', status });
}
