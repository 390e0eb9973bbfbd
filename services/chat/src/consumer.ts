import { createLogger, handleShutdown, redactConfig, runProcess } from '@relay/platform';
import { buildChatConsumer } from './app.ts';
import { chatEnv, loadChatConfig } from './config.ts';

runProcess('chat-consumer', async () => {
  const config = loadChatConfig();
  const logger = createLogger({ name: 'chat-consumer', level: config.LOG_LEVEL });
  const { consumer, http, shutdownSteps } = await buildChatConsumer(config, logger);
  handleShutdown(logger, shutdownSteps);
  await consumer.start();
  await http?.listen({ host: config.HOST, port: config.CHAT_CONSUMER_PORT });
  logger.info({ config: redactConfig(chatEnv, config) }, 'chat-consumer started');
});
