import type { JobDefinition } from '@relay/jobs';
import { z } from 'zod';

const ConvertJob = z.object({ conversionId: z.uuid() });

/** One conversion; the job id is the conversion id, so a job is never queued twice. */
export const convertJob = (attempts: number): JobDefinition<typeof ConvertJob> => ({
  queue: 'convert',
  schema: ConvertJob,
  defaults: {
    attempts,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 5000 },
  },
});

/** Scheduled upkeep: `expire` (retention) and `requeue` (jobs that never reached the queue). */
export const maintenanceJob: JobDefinition<z.ZodObject> = {
  queue: 'convert-maintenance',
  schema: z.object({}),
  defaults: { attempts: 1, removeOnComplete: { count: 10 }, removeOnFail: { count: 10 } },
};
