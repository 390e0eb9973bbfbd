export {
  ChatClient,
  type ChatClientEvent,
  type ChatClientOptions,
  type ConnectionStatus,
} from './chat-client.ts';
