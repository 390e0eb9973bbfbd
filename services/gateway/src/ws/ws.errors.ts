import { WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX, type WsErrorCode } from '@relay/contracts';
import { type AppError, CommonErrorCode, commonError, errorTable } from '@relay/platform';
import { ChatErrorCode } from '../chats/chats.errors.ts';

export const WsUpgradeErrorCode = { SubprotocolRequired: 'subprotocol_required' } as const;
export type WsUpgradeErrorCode = (typeof WsUpgradeErrorCode)[keyof typeof WsUpgradeErrorCode];

declare module '@relay/platform' {
  interface ErrorCodes extends Record<WsUpgradeErrorCode, true> {}
}

const upgradeErrors = errorTable<WsUpgradeErrorCode>({
  subprotocol_required: { status: 400, detail: `Offer the WebSocket subprotocol "${WS_PROTOCOL}".` },
});

/** A client that does not speak the protocol would only collect error frames: refused before the upgrade. */
export const subprotocolRequired = () => upgradeErrors(WsUpgradeErrorCode.SubprotocolRequired);

export const tokenMissing = () =>
  commonError(CommonErrorCode.Unauthorized, {
    detail: `Send the access token as subprotocol "${WS_TOKEN_PROTOCOL_PREFIX}<token>" or a Bearer header.`,
  });

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
