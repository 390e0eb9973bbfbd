import { JobQueue, onJobFailed, startJobWorker } from '@relay/jobs';
import { createHttpApp, type Logger } from '@relay/platform';
import { bullmqConnection } from '@relay/redis';
import { type ConvertProcess, connect } from './app.ts';
import type { ConvertConfig } from './config.ts';
import { convertJob, maintenanceJob } from './conversions/conversion.jobs.ts';
import { ConvertJobHandler } from './conversions/convert-job.handler.ts';
import { expireConversions, REQUEUE_AFTER_MS, requeueStale } from './conversions/maintenance.handler.ts';
import { createEngines } from './engines/engines.ts';
import { fontsReadiness } from './engines/fonts.ts';

/**
 * Wires convert-worker: the engines (the warm LibreOffice pool first), one job per free instance,
 * the retention sweep on its schedule, and /healthz, /readyz, /metrics. A worker without the fonts
 * documents name would print them in other fonts (or as boxes): it says so and is not ready.
 */
export async function buildConvertWorker(config: ConvertConfig, logger: Logger): Promise<ConvertProcess> {
  const fonts = await fontsReadiness();
  if (fonts.report.problem !== '') logger.error({ missing: fonts.report.missing }, fonts.report.problem);
  const { database, channelLayer, storage, passwords, closePasswords, repository } = connect(config, logger);
  const engines = createEngines(config, logger);
  await engines.start();
  const connection = bullmqConnection(config.REDIS_URL);
  const jobOptions = { connection, prefix: config.JOBS_PREFIX, logger };
  const definition = convertJob(config.CONVERT_JOB_ATTEMPTS);
  const handler = new ConvertJobHandler({
    repository,
    storage,
    channelLayer,
    engineFor: engines.engineFor,
    passwords,
    logger,
  });
  const worker = startJobWorker(definition, handler.handle, {
    ...jobOptions,
    // One job per LibreOffice instance and per browser, and one image beside them; each pool queues
    // what exceeds it. More would take jobs from the queue before their turn (fair-share.ts).
    concurrency:
      config.CONVERT_OFFICE_ENGINE === 'libreoffice'
        ? config.CONVERT_POOL_SIZE + config.CONVERT_CHROMIUM_POOL_SIZE + 1
        : 4 + 1,
    lockDurationMs: config.CONVERT_JOB_LOCK_MS,
    maxStalledCount: 2,
  });
  const givenUp = onJobFailed(definition, (jobId) => handler.onGivenUp(jobId), jobOptions);

  const convertQueue = new JobQueue(definition, connection, config.JOBS_PREFIX);
  const maintenanceQueue = new JobQueue(maintenanceJob, connection, config.JOBS_PREFIX);
  await maintenanceQueue.repeat('expire', config.CONVERT_RETENTION_SWEEP_MS, {});
  await maintenanceQueue.repeat('requeue', REQUEUE_AFTER_MS, {});
  const maintenanceDeps = {
    repository,
    storage,
    channelLayer,
    queue: convertQueue,
    retentionMs: config.CONVERT_RETENTION_HOURS * 3_600_000,
    logger,
  };
  const maintenance = startJobWorker(
    maintenanceJob,
    async (_payload, job) => {
      if (job.name === 'expire') await expireConversions(maintenanceDeps);
      else await requeueStale(maintenanceDeps);
    },
    { ...jobOptions, concurrency: 1 },
  );

  const http = await createHttpApp({
    name: 'convert-worker',
    version: '0.1.0',
    logger,
    readiness: [
      // One line per engine (libreoffice or http, chromium, images): /readyz says which one is down.
      ...engines.checks,
      { name: 'fonts', check: fonts.check },
      { name: 'postgres', check: database.ping },
      { name: 'redis', check: () => channelLayer.ping() },
      { name: 's3', check: () => storage.ping() },
    ],
  });

  return {
    http,
    shutdownSteps: [
      { name: 'http', close: () => http.close() },
      // close() lets running jobs finish; unfinished ones return to the queue.
      { name: 'convert-worker', close: () => worker.close() },
      { name: 'maintenance-worker', close: () => maintenance.close() },
      { name: 'queue-events', close: () => givenUp.close() },
      {
        name: 'queues',
        close: async () => void (await Promise.all([convertQueue.close(), maintenanceQueue.close()])),
      },
      { name: 'engines', close: () => engines.close() },
      { name: 'redis', close: () => channelLayer.close() },
      { name: 'passwords', close: closePasswords },
      { name: 'postgres', close: database.close },
      { name: 's3', close: async () => storage.close() },
    ],
  };
}
