import { createLogger, handleShutdown, redactConfig, runProcess } from '@relay/platform';
import { convertEnv, loadConvertConfig } from './config.ts';
import { buildConvertWorker } from './worker-app.ts';

runProcess('convert-worker', async () => {
  const config = loadConvertConfig();
  const logger = createLogger({ name: 'convert-worker', level: config.LOG_LEVEL });
  const worker = await buildConvertWorker(config, logger);
  handleShutdown(logger, worker.shutdownSteps);
  await worker.http.listen({ host: config.HOST, port: config.CONVERT_WORKER_PORT });
  logger.info({ config: redactConfig(convertEnv, config) }, 'convert-worker running');
});
