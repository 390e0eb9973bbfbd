import { createLogger, handleShutdown, runProcess } from '@relay/platform';
import { buildGatewayWorker } from './app.ts';
import { loadGatewayConfig } from './config.ts';

runProcess('gateway-worker', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger({ name: 'gateway-worker', level: config.LOG_LEVEL });
  const worker = buildGatewayWorker(config, logger);
  handleShutdown(logger, worker.shutdownSteps);
  logger.info('gateway-worker running');
});
