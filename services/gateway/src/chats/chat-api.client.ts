import { type ChatMessage, ChatSummaryList, MessagePage, UNKNOWN_CURSOR } from '@relay/contracts';
import { ServiceClient } from '../service-client.ts';
import { historyUnavailable, notAMember, unknownMessage } from './chats.errors.ts';

export interface ChatApiClientOptions {
  baseUrl: string;
  timeoutMs: number;
}

/** chat-api (:8002) as the gateway calls it: with the caller's own token, so chat-api checks it too. */
export class ChatApiClient {
  readonly #service: ServiceClient;

  constructor(options: ChatApiClientOptions) {
    this.#service = new ServiceClient({ ...options, unavailable: historyUnavailable });
  }

  /** The raw answer, for streaming it back; network failures and 5xx become a 503 problem. */
  async historyResponse(accessToken: string, chatId: string, query: URLSearchParams): Promise<Response> {
    return this.#get(accessToken, `/chats/${encodeURIComponent(chatId)}/messages?${query}`);
  }

  /** Each member's read position, raw like the history. */
  async readsResponse(accessToken: string, chatId: string): Promise<Response> {
    return this.#get(accessToken, `/chats/${encodeURIComponent(chatId)}/reads`);
  }

  /** Every message after `afterMessageId`, following pages up to `max` messages. */
  async messagesAfter(accessToken: string, chatId: string, afterMessageId: string, max: number) {
    const messages: ChatMessage[] = [];
    let cursor: string | null = afterMessageId;
    while (cursor !== null && messages.length < max) {
      const query = new URLSearchParams({ after: cursor, limit: '200' });
      const response = await this.historyResponse(accessToken, chatId, query);
      if (!response.ok) throw await refusal(response, afterMessageId);
      const page = MessagePage.parse(await response.json());
      messages.push(...page.messages);
      cursor = page.nextCursor;
    }
    return messages;
  }

  async summaries(accessToken: string): Promise<ChatSummaryList['chats']> {
    const response = await this.#get(accessToken, '/me/chats');
    if (!response.ok) throw historyUnavailable(new Error(`chat-api answered ${response.status}`));
    return ChatSummaryList.parse(await response.json()).chats;
  }

  #get(accessToken: string, path: string): Promise<Response> {
    return this.#service.request(path, { accessToken });
  }
}

/** chat-api's 4xx for a replay, as the caller's error; anything else means history is unavailable. */
async function refusal(response: Response, afterMessageId: string): Promise<Error> {
  const problem = (await response.json().catch(() => undefined)) as { code?: unknown } | undefined;
  if (response.status === 400 && problem?.code === UNKNOWN_CURSOR) return unknownMessage(afterMessageId);
  if (response.status === 403) return notAMember();
  return historyUnavailable(new Error(`chat-api answered ${response.status}`));
}
