import { z } from 'zod';

export const ConversionStatus = z.enum(['queued', 'converting', 'done', 'failed']);
export type ConversionStatus = z.infer<typeof ConversionStatus>;

export const ConversionStatusChanged = z.object({
  conversionId: z.uuid(),
  ownerId: z.uuid(),
  status: ConversionStatus,
  /** Set when status is `done`: gateway path that redirects to a presigned URL. */
  downloadPath: z.string().optional(),
  /** Set when status is `failed`: a reason a person can read. */
  reason: z.string().optional(),
  at: z.iso.datetime(),
});
export type ConversionStatusChanged = z.infer<typeof ConversionStatusChanged>;
