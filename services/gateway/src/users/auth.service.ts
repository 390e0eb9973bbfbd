import type { ActivateBody, LoginBody, ResetPasswordBody, SignupBody } from '@relay/contracts';
import type { JobQueue } from '@relay/jobs';
import type { AccessTokenClaims } from '@relay/platform';
import type { AccessTokenRevocations } from './access-token-revocations.ts';
import type { AccessTokens } from './access-tokens.service.ts';
import { AuthErrorCode, authError } from './auth.errors.ts';
import type { MailJob } from './mail.jobs.ts';
import { hashPassword, verifyPassword } from './passwords.service.ts';
import { hashSecureToken, newSecureToken } from './secure-tokens.ts';
import type { User, UsersRepository } from './users.repository.ts';

export interface Session {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
}

export interface AuthSettings {
  refreshTtlDays: number;
  /** Runs after each successful login (the chats feature lets invitees join their chats here). */
  onLogin?: (userId: string) => Promise<void>;
  /** A just-rotated refresh token presented again this soon is a race (two tabs), not reuse. */
  refreshReuseIntervalMs: number;
}

/** Sign-up, activation, login and sessions. */
export class AuthService {
  readonly #users: UsersRepository;
  readonly #mail: JobQueue<typeof MailJob>;
  readonly #tokens: AccessTokens;
  readonly #revocations: AccessTokenRevocations;
  readonly #settings: AuthSettings;

  constructor(
    users: UsersRepository,
    mail: JobQueue<typeof MailJob>,
    tokens: AccessTokens,
    revocations: AccessTokenRevocations,
    settings: AuthSettings,
  ) {
    this.#users = users;
    this.#mail = mail;
    this.#tokens = tokens;
    this.#revocations = revocations;
    this.#settings = settings;
  }

  /** The same work whether or not the address is taken: hash, one insert, one job. */
  async signup({ email, password, name }: SignupBody): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.#users.insertUser({ email, passwordHash, name });
    await this.#mail.add('activation', { kind: 'activation', email });
  }

  async resendActivation(email: string): Promise<void> {
    await this.#mail.add('activation', { kind: 'activation', email });
  }

  async activate({ token }: ActivateBody): Promise<void> {
    const outcome = await this.#users.consumeOneTimeToken('activation', hashSecureToken(token));
    switch (outcome.status) {
      case 'ok':
        return this.#users.activate(outcome.userId);
      case 'unknown':
        throw authError(AuthErrorCode.ActivationTokenUnknown);
      case 'expired':
        throw authError(AuthErrorCode.ActivationTokenExpired);
      case 'used':
        throw authError(AuthErrorCode.ActivationTokenUsed);
    }
  }

  async login({ email, password }: LoginBody): Promise<Session> {
    const user = await this.#users.findByEmail(email);
    const valid = await verifyPassword(user?.passwordHash, password);
    if (user === undefined || !valid) throw authError(AuthErrorCode.InvalidCredentials);
    if (!user.active) throw authError(AuthErrorCode.AccountNotActivated);
    const refreshToken = newSecureToken();
    const refreshExpiresAt = this.#refreshExpiry();
    const sessionId = await this.#users.insertRefreshToken({
      userId: user.id,
      tokenHash: hashSecureToken(refreshToken),
      expiresAt: refreshExpiresAt,
    });
    await this.#settings.onLogin?.(user.id);
    return { ...(await this.#accessToken(user, sessionId)), refreshToken, refreshExpiresAt };
  }

  /**
   * Rotates the refresh token: the presented one stops working, and replaying it ends the session
   * with its access tokens — unless the replay follows its rotation within the reuse interval.
   */
  async refresh(presented: string | undefined): Promise<Session> {
    if (presented === undefined || presented === '') throw authError(AuthErrorCode.RefreshTokenMissing);
    const refreshToken = newSecureToken();
    const refreshExpiresAt = this.#refreshExpiry();
    const outcome = await this.#users.rotateRefreshToken(
      hashSecureToken(presented),
      { tokenHash: hashSecureToken(refreshToken), expiresAt: refreshExpiresAt },
      this.#settings.refreshReuseIntervalMs,
    );
    switch (outcome.status) {
      case 'ok': {
        const user = await this.#users.findById(outcome.userId);
        if (user === undefined || !user.active) throw authError(AuthErrorCode.RefreshTokenInvalid);
        return { ...(await this.#accessToken(user, outcome.familyId)), refreshToken, refreshExpiresAt };
      }
      case 'reused':
        await this.#revocations.revokeSessions([outcome.familyId]);
        throw authError(AuthErrorCode.RefreshTokenReused);
      case 'unknown':
      case 'expired':
      case 'revoked':
        throw authError(AuthErrorCode.RefreshTokenInvalid);
    }
  }

  /** Ends the session: its refresh token and every access token issued for it. */
  async logout(presented: string | undefined): Promise<void> {
    if (presented === undefined || presented === '') return;
    const sessionId = await this.#users.revokeFamilyOf(hashSecureToken(presented));
    if (sessionId !== undefined) await this.#revocations.revokeSessions([sessionId]);
  }

  async requestPasswordReset(email: string): Promise<void> {
    await this.#mail.add('password-reset', { kind: 'password-reset', email });
  }

  async resetPassword({ token, password }: ResetPasswordBody): Promise<void> {
    const passwordHash = await hashPassword(password);
    const outcome = await this.#users.consumeOneTimeToken('password_reset', hashSecureToken(token));
    switch (outcome.status) {
      case 'ok': {
        const resetAt = new Date();
        const sessionIds = await this.#users.setPasswordAndRevokeSessions(outcome.userId, passwordHash);
        return this.#revocations.revokeUser(outcome.userId, sessionIds, resetAt);
      }
      case 'unknown':
        throw authError(AuthErrorCode.ResetTokenUnknown);
      case 'expired':
        throw authError(AuthErrorCode.ResetTokenExpired);
      case 'used':
        throw authError(AuthErrorCode.ResetTokenUsed);
    }
  }

  async #accessToken(user: User, sessionId: string): Promise<{ accessToken: string; expiresIn: number }> {
    const claims: AccessTokenClaims = { sub: user.id, email: user.email, name: user.name, sid: sessionId };
    return { accessToken: await this.#tokens.sign(claims), expiresIn: this.#tokens.ttlSeconds };
  }

  #refreshExpiry(): Date {
    return new Date(Date.now() + this.#settings.refreshTtlDays * 86_400_000);
  }
}
