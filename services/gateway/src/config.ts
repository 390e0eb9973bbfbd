import { channelLayerEnv } from '@relay/channel-layer';
import { jobsEnv } from '@relay/jobs';
import { kafkaEnv } from '@relay/kafka';
import { smtpEnv } from '@relay/mailer';
import { s3Env } from '@relay/object-storage';
import { baseEnv, jwtEnv, loadConfig, optionalPort, port, secret } from '@relay/platform';
import { redisEnv } from '@relay/redis';
import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const gatewayEnv = {
  ...baseEnv,
  ...redisEnv,
  ...channelLayerEnv,
  ...kafkaEnv,
  ...s3Env,
  ...smtpEnv,
  ...jobsEnv,
  ...jwtEnv,
  HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: port(8000),
  /** When set, gateway-worker serves /healthz, /readyz and /metrics on this port (containers probe it). */
  GATEWAY_WORKER_PORT: optionalPort(),
  GATEWAY_DATABASE_URL: secret(z.url()),
  CONVERT_URL: z.url().default('http://127.0.0.1:8001'),
  CHAT_URL: z.url().default('http://127.0.0.1:8002'),
  PUBLIC_WEB_URL: z.url().default('http://127.0.0.1:8080'),

  /** Ed25519 private key, PKCS#8 DER in base64 (`openssl genpkey -algorithm ed25519 -outform DER | base64 -w0`). */
  JWT_PRIVATE_KEY: secret(z.string().min(40)),
  JWT_KEY_ID: z.string().min(1).max(64),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(15 * 60),
  REFRESH_TOKEN_TTL_DAYS: positiveInt(30),
  /**
   * A refresh token presented again this soon after its rotation gets a session (two tabs refreshing
   * at once) instead of counting as theft; 0 turns the grace off. Auth0 calls it the reuse interval.
   */
  REFRESH_TOKEN_REUSE_INTERVAL_MS: z.coerce.number().int().min(0).max(300_000).default(20_000),
  ACTIVATION_TOKEN_TTL_HOURS: positiveInt(24),
  RESET_TOKEN_TTL_MINUTES: positiveInt(60),
  /** Secure cookies need HTTPS; local runs are plain HTTP on loopback. */
  COOKIE_SECURE: z.stringbool().default(false),

  PHOTO_MAX_BYTES: positiveInt(5 * 1024 * 1024),
  PHOTO_URL_TTL_SECONDS: positiveInt(10 * 60),
  /** Photo uploads per user per hour: each one costs a full image decode. */
  PHOTO_UPLOADS_PER_HOUR: positiveInt(20),

  /** Attempts per minute on sign-up, login, resend and reset, per client IP and per e-mail address. */
  AUTH_RATE_LIMIT_PER_IP: positiveInt(30),
  AUTH_RATE_LIMIT_PER_ACCOUNT: positiveInt(10),

  /** The largest file a conversion accepts (the gateway also allows the multipart envelope around it). */
  CONVERT_MAX_UPLOAD_BYTES: positiveInt(25 * 1024 * 1024),
  /** Calls to convert-api other than uploads fail with 503 after this. */
  CONVERT_API_TIMEOUT_MS: positiveInt(5000),
  /** An upload streamed on to convert-api, answer included; as long as a slow client may take to send 25 MiB. */
  CONVERT_UPLOAD_TIMEOUT_MS: positiveInt(300_000),

  /** Chat history calls to chat-api fail with 503 after this. */
  CHAT_API_TIMEOUT_MS: positiveInt(5000),
  /** Messages per second per user, averaged over 10 s. */
  CHAT_SEND_RATE_PER_SECOND: positiveInt(20),
  /** Recent messages kept per chat in Redis for replay to reconnecting clients. */
  CHAT_RECENT_LIMIT: positiveInt(10_000),
  CHAT_RECENT_TTL_SECONDS: positiveInt(24 * 60 * 60),
  /** Most messages replayed from history to one reconnecting client. */
  CHAT_REPLAY_MAX: positiveInt(5000),
  /** Replays that must read chat-api's history (the recent stream no longer reaches back), per connection per 10 s. */
  CHAT_HISTORY_REPLAYS_PER_10S: positiveInt(5),
  /** A connection's read receipts leave at most once per this interval per chat, the newest winning. */
  CHAT_READ_RECEIPT_INTERVAL_MS: positiveInt(1000),
  /** E-mail addresses a user may look up per hour when creating chats and adding members. */
  CHAT_MEMBER_LOOKUPS_PER_HOUR: positiveInt(300),
  /** Subscribe frames per connection per 10 s. */
  WS_SUBSCRIBES_PER_10S: positiveInt(100),
  WS_HEARTBEAT_MS: positiveInt(30_000),
  /** A client this far behind in reading is disconnected (it reconnects and replays). */
  WS_MAX_BUFFERED_BYTES: positiveInt(4 * 1024 * 1024),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(gatewayEnv, env);
}
