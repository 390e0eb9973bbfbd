import { randomUUID } from 'node:crypto';
import { createDatabase, type Database } from '@relay/database';
// The fixture writes through the gateway's own repository and signer (as immich's medium factory
// does through its repositories), so what it makes is exactly what the real paths would make.
import { loadGatewayConfig } from '../config.ts';
import * as schema from '../schema.ts';
import { AccessTokens, accessTokenOptions } from './access-tokens.service.ts';
import { hashPassword } from './passwords.service.ts';
import { hashSecureToken, newSecureToken } from './secure-tokens.ts';
import { UsersRepository } from './users.repository.ts';

/** Every fixture user's password: login with it works as for a user who signed up. */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  accessToken: string;
}

export interface SignedInUser extends TestUser {
  refreshToken: string;
  /** The refresh token as a Cookie header value, as the login answer sets it. */
  cookie: string;
}

/**
 * Active, signed-in users made in a few milliseconds, without the sign-up → mail → activate
 * round trip (services/gateway/test/auth.test.ts keeps that one real path honest).
 *
 * Each user is inserted and activated through `UsersRepository` with a real argon2 hash of
 * `TEST_PASSWORD` (hashed once per factory), gets a session (a refresh-token family, as login
 * starts one) and an access token from the gateway's `AccessTokens` naming that session as `sid`:
 * refresh, logout and revocation treat it exactly like a token from POST /api/auth/login. What
 * login does besides — the first-sign-in hook joining invited chats — is skipped: a fixture user
 * has a fresh address, so nobody has invited it.
 */
export class UserFactory {
  readonly #database: Database<typeof schema>;
  readonly #users: UsersRepository;
  readonly #tokens: AccessTokens;
  readonly #refreshTtlMs: number;
  readonly #passwordHash: Promise<string>;

  private constructor(database: Database<typeof schema>, tokens: AccessTokens, refreshTtlDays: number) {
    this.#database = database;
    this.#users = new UsersRepository(database.db);
    this.#tokens = tokens;
    this.#refreshTtlMs = refreshTtlDays * 86_400_000;
    this.#passwordHash = hashPassword(TEST_PASSWORD);
  }

  /** Reads the gateway's variables (database, signing key) from `env`, as the gateway does. */
  static async create(env: NodeJS.ProcessEnv = process.env): Promise<UserFactory> {
    const config = loadGatewayConfig(env);
    const tokens = await AccessTokens.create(accessTokenOptions(config));
    const database = createDatabase({ url: config.GATEWAY_DATABASE_URL, maxConnections: 4 }, schema);
    return new UserFactory(database, tokens, config.REFRESH_TOKEN_TTL_DAYS);
  }

  async activeUser(options: { name?: string; email?: string } = {}): Promise<SignedInUser> {
    const name = options.name ?? 'Test User';
    const email = options.email ?? `user-${randomUUID()}@example.com`;
    const user = await this.#users.insertUser({ email, passwordHash: await this.#passwordHash, name });
    if (user === undefined) throw new Error(`${email} is taken`);
    await this.#users.activate(user.id);
    const refreshToken = newSecureToken();
    const sessionId = await this.#users.insertRefreshToken({
      userId: user.id,
      tokenHash: hashSecureToken(refreshToken),
      expiresAt: new Date(Date.now() + this.#refreshTtlMs),
    });
    const accessToken = await this.#tokens.sign({ sub: user.id, email, name, sid: sessionId });
    return { id: user.id, email, name, accessToken, refreshToken, cookie: `relay_refresh=${refreshToken}` };
  }

  async close(): Promise<void> {
    await this.#database.close();
  }
}
