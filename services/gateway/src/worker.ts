import { createLogger, handleShutdown, redactConfig, runProcess } from '@relay/platform';
import { buildGatewayWorker } from './app.ts';
import { gatewayEnv, loadGatewayConfig } from './config.ts';

runProcess('gateway-worker', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger({ name: 'gateway-worker', level: config.LOG_LEVEL });
  const worker = await buildGatewayWorker(config, logger);
  handleShutdown(logger, worker.shutdownSteps);
  await worker.http?.listen({ host: config.HOST, port: config.GATEWAY_WORKER_PORT });
  logger.info({ config: redactConfig(gatewayEnv, config) }, 'gateway-worker running');
});
