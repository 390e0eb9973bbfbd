import { createLogger, handleShutdown, redactConfig, runProcess } from '@relay/platform';
import { buildGateway } from './app.ts';
import { gatewayEnv, loadGatewayConfig } from './config.ts';

runProcess('gateway-api', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
  const gateway = await buildGateway(config, logger);
  handleShutdown(logger, gateway.shutdownSteps);
  await gateway.http.listen({ host: config.HOST, port: config.GATEWAY_PORT });
  logger.info({ config: redactConfig(gatewayEnv, config) }, 'gateway listening');
});
