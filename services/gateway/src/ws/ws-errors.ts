import type { WsErrorCode } from '@relay/contracts';
import type { AppError } from '@relay/platform';
import { ChatErrorCode } from '../chat/chat.errors.ts';

/** The WebSocket side of error mapping (HTTP's is problem+json in platform): one AppError, one frame code. */
export function wsErrorCode(error: AppError): WsErrorCode {
  if (error.code === ChatErrorCode.UnknownMessage) return 'unknown_message';
  if (error.status === 401) return error.code === 'token_expired' ? 'token_expired' : 'unauthorized';
  if (error.status === 403) return 'forbidden';
  if (error.status === 409) return 'conflict';
  if (error.status === 429) return 'rate_limited';
  if (error.status === 503) return 'unavailable';
  if (error.status >= 400 && error.status < 500) return 'bad_frame';
  return 'internal';
}

/** Codes that say the server could not serve the frame now, not that the client did wrong. */
export const NOT_THE_CLIENTS_FAULT: ReadonlySet<WsErrorCode> = new Set([
  'unavailable',
  'internal',
  'rate_limited',
]);
