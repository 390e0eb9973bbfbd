import { createLogger, handleShutdown, redactConfig, runProcess } from '@relay/platform';
import { buildConvertService } from './app.ts';
import { convertEnv, loadConvertConfig } from './config.ts';

runProcess('convert-api', async () => {
  const config = loadConvertConfig();
  const logger = createLogger({ name: 'convert-api', level: config.LOG_LEVEL });
  const service = await buildConvertService(config, logger);
  handleShutdown(logger, service.shutdownSteps);
  await service.http.listen({ host: config.HOST, port: config.CONVERT_PORT });
  logger.info({ config: redactConfig(convertEnv, config) }, 'convert-api listening');
});
