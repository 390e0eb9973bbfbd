import { createLogger, handleShutdown, redactConfig, runProcess } from '@relay/platform';
import { buildChatService } from './app.ts';
import { chatEnv, loadChatConfig } from './config.ts';

runProcess('chat-api', async () => {
  const config = loadChatConfig();
  const logger = createLogger({ name: 'chat-api', level: config.LOG_LEVEL });
  const service = await buildChatService(config, logger);
  handleShutdown(logger, service.shutdownSteps);
  await service.http.listen({ host: config.HOST, port: config.CHAT_PORT });
  logger.info({ config: redactConfig(chatEnv, config) }, 'chat-api listening');
});
