import type { AccessTokenResponse } from '@relay/contracts';
import { ApiError } from './api-error.ts';

export type SessionState =
  | { status: 'restoring' }
  | { status: 'signed-in' }
  | { status: 'signed-out'; message?: string };

/** What one tab tells the others, so a sign-out or a revoked session ends every tab at once. */
type TabMessage = { type: 'signed-in' } | { type: 'ended'; message?: string };

interface TabChannel {
  postMessage(message: TabMessage): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<TabMessage>) => void): void;
}

export interface SessionOptions {
  /** Trades the httpOnly refresh cookie for a new access token; rejects with an ApiError. */
  refresh: () => Promise<AccessTokenResponse>;
  channel?: TabChannel | undefined;
  /**
   * Serialises refreshes across tabs: refresh tokens rotate, and two tabs spending the same cookie at
   * once would look like token theft to the gateway, which then ends every session.
   */
  locks?: Pick<LockManager, 'request'> | undefined;
  now?: () => number;
  /**
   * Remembers (not a secret: the cookie itself is unreadable) that this browser has a session, so a
   * visitor who never signed in is not sent a refresh that can only fail with a 401 on every page load.
   */
  hint?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  /**
   * Whether the browser has a network, and a way to hear it came back: offline, a refresh waits for
   * the network instead of failing (and logging) every few seconds.
   */
  network?: { online(): boolean; onOnline(listener: () => void): void } | undefined;
}

const HINT_KEY = 'relay.signed-in';

const ENDED_MESSAGES: Record<string, string> = {
  refresh_token_reused:
    'You were signed out everywhere because this session was used from two places at once. Sign in again.',
  token_revoked: 'Your session was ended (signed out or password changed). Sign in again.',
  // What a revoked family answers: a sign-out elsewhere, a password reset, or a session past its life.
  refresh_token_invalid:
    'Your session has ended: you signed out elsewhere, your password was changed, or it expired. Sign in again.',
};
const ENDED_MESSAGE = 'Your session has ended. Sign in again to continue.';
const OTHER_TAB_MESSAGE = 'You signed out in another tab.';
const RETRY_AFTER_NETWORK_ERROR_MS = 5_000;

const signedOut = () => new ApiError(401, 'signed_out', 'Sign in to continue.');

/** Refresh a little before expiry: at 80 % of the lifetime, never more than a minute early. */
export function refreshDelayMs(lifetimeMs: number): number {
  return lifetimeMs - Math.min(60_000, lifetimeMs * 0.2);
}

/**
 * The signed-in state of this tab. The access token lives here, in memory only; the refresh token is
 * the gateway's httpOnly cookie. One refresh runs at a time and everyone who needs a token waits for it.
 */
export class Session {
  readonly #options: SessionOptions;
  #state: SessionState = { status: 'restoring' };
  #token: { value: string; expiresAt: number } | null = null;
  #refreshing: Promise<string> | null = null;
  /** Bumped by every sign-out: a refresh that was in flight then must not sign this tab back in. */
  #generation = 0;
  /** A refresh failed for want of a network: the next one goes as soon as the network is back. */
  #waitingForNetwork = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #stateListeners = new Set<() => void>();
  readonly #tokenListeners = new Set<(accessToken: string) => void>();

  constructor(options: SessionOptions) {
    this.#options = options;
    options.channel?.addEventListener('message', ({ data }) => this.#onTabMessage(data));
    options.network?.onOnline(() => {
      if (this.#state.status === 'signed-in' && this.#waitingForNetwork) this.refresh().catch(() => {});
    });
  }

  getState = (): SessionState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  };

  /**
   * Called with every new access token (sign-in and each refresh), e.g. so the chat WebSocket can send
   * `auth.refresh` with it.
   * @public
   */
  onAccessToken(listener: (accessToken: string) => void): () => void {
    this.#tokenListeners.add(listener);
    return () => this.#tokenListeners.delete(listener);
  }

  /** On load: a returning user with a refresh cookie is signed in without seeing the login page. */
  async restore(): Promise<void> {
    const { hint } = this.#options;
    if (hint !== undefined && hint.getItem(HINT_KEY) === null) {
      this.#setState({ status: 'signed-out' });
      return;
    }
    await this.refresh().catch((error: unknown) => {
      // A refused refresh has ended the session already (with why, when there was a why).
      if (this.#state.status !== 'restoring') return;
      const unreachable = error instanceof ApiError && error.code === 'network';
      this.#setState(
        unreachable ? { status: 'signed-out', message: error.message } : { status: 'signed-out' },
      );
    });
  }

  signIn(tokens: AccessTokenResponse): void {
    this.#acceptToken(tokens);
    this.#options.channel?.postMessage({ type: 'signed-in' });
  }

  /** Ends the session here and in every other tab; `message` says why when it was not the user's choice. */
  end(message?: string): void {
    this.#clear(message);
    this.#options.channel?.postMessage({ type: 'ended', message: message ?? OTHER_TAB_MESSAGE });
  }

  /** The token to send now: waits for a refresh in flight rather than sending one about to be replaced. */
  async accessToken(): Promise<string | null> {
    if (this.#refreshing !== null) return this.#refreshing.catch(() => null);
    return this.#token?.value ?? null;
  }

  /**
   * A token valid for a while yet (refreshing first if needed), e.g. for a WebSocket connect.
   * @public
   */
  async freshAccessToken(minValidityMs = 5_000): Promise<string> {
    if (this.#state.status === 'signed-out') throw signedOut();
    const now = this.#now();
    if (this.#refreshing === null && this.#token !== null && this.#token.expiresAt - now > minValidityMs) {
      return this.#token.value;
    }
    return this.refresh();
  }

  /** After a 401 for `rejected`: a newer token if someone already refreshed, otherwise the one refresh. */
  async tokenAfterUnauthorized(rejected: string): Promise<string> {
    // Ended meanwhile (another tab, a refused refresh): another refresh could only be refused again.
    if (this.#state.status === 'signed-out') throw signedOut();
    if (this.#refreshing === null && this.#token !== null && this.#token.value !== rejected) {
      return this.#token.value;
    }
    return this.refresh();
  }

  refresh(): Promise<string> {
    this.#refreshing ??= this.#runRefresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #runRefresh(): Promise<string> {
    const { refresh, locks } = this.#options;
    const generation = this.#generation;
    try {
      if (this.#options.network?.online() === false) throw ApiError.network();
      const tokens = await (locks ? locks.request('relay-session-refresh', refresh) : refresh());
      if (generation !== this.#generation) throw signedOut();
      this.#acceptToken(tokens);
      return tokens.accessToken;
    } catch (error) {
      this.#onRefreshFailed(error);
      throw error;
    }
  }

  /** A refresh the gateway refused ends the session in every tab, saying why; any other failure is retried. */
  #onRefreshFailed(error: unknown): void {
    const { status } = this.#state;
    if (status === 'signed-out') return;
    if (!(error instanceof ApiError) || error.status !== 401) {
      // The gateway did not say no (offline, restarting): keep the session and try again soon.
      if (status === 'signed-in') this.#schedule(RETRY_AFTER_NETWORK_ERROR_MS);
      this.#waitingForNetwork = error instanceof ApiError && error.code === 'network';
      return;
    }
    // On load, no cookie is the usual answer of a browser that signed out, and needs no words.
    if (status === 'restoring' && error.code === 'refresh_token_missing') this.#clear(undefined);
    else this.end(ENDED_MESSAGES[error.code] ?? ENDED_MESSAGE);
  }

  #acceptToken({ accessToken, expiresIn }: AccessTokenResponse): void {
    this.#waitingForNetwork = false;
    const lifetimeMs = expiresIn * 1000;
    this.#token = { value: accessToken, expiresAt: this.#now() + lifetimeMs };
    this.#options.hint?.setItem(HINT_KEY, '1');
    this.#schedule(refreshDelayMs(lifetimeMs));
    if (this.#state.status !== 'signed-in') this.#setState({ status: 'signed-in' });
    for (const listener of this.#tokenListeners) listener(accessToken);
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.refresh().catch(() => {});
    }, delayMs);
  }

  #onTabMessage(message: TabMessage): void {
    if (message.type === 'ended') {
      // A tab still restoring ends too: its refresh spends the same, now refused, cookie.
      if (this.#state.status !== 'signed-out') this.#clear(message.message);
    } else if (this.#state.status === 'signed-out') {
      void this.restore();
    }
  }

  #clear(message: string | undefined): void {
    this.#generation += 1;
    clearTimeout(this.#timer);
    this.#token = null;
    this.#options.hint?.removeItem(HINT_KEY);
    this.#setState(message === undefined ? { status: 'signed-out' } : { status: 'signed-out', message });
  }

  #setState(state: SessionState): void {
    this.#state = state;
    for (const listener of this.#stateListeners) listener();
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
