import {
  channelBus,
  claimLock,
  noLock,
  storageBus,
  systemClock,
  webLock,
  type ChannelLike,
  type Clock,
  type LockManagerLike,
  type MessageBus,
  type PeerMessage,
  type StorageEventSourceLike,
  type StorageLike,
  type TabLock,
} from './coordination.js';
import { BatonError, readProblem } from './errors.js';
import type {
  Device,
  ExternalProvider,
  IdentitiesView,
  KeyView,
  KickResult,
  Me,
  Problem,
  SessionEnd,
  SessionView,
  TokenPair,
  Transport,
  UserView,
} from './types.js';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Where token mode keeps the refresh token (memory by default; the app may persist it where it trusts). */
export interface RefreshTokenStore {
  get(): string | null | Promise<string | null>;
  set(token: string | null): void | Promise<void>;
}

/** The cross-tab primitives; each defaults to the browser's own, and `null` turns one off. */
export interface Coordination {
  locks?: LockManagerLike | null;
  channel?: ChannelLike | null;
  storage?: StorageLike | null;
  storageEvents?: StorageEventSourceLike | null;
}

export interface BatonClientOptions {
  /** Baton's address; default '' (the page's own origin). */
  baseUrl?: string;
  /** 'cookie' (default: the refresh token stays in Baton's HttpOnly cookie) or 'token'. */
  transport?: Transport;
  fetch?: FetchLike;
  /** Cross-tab coordination; `false` for one tab or a server process. */
  coordination?: Coordination | false;
  clock?: Clock;
  random?: () => number;
  /** Refresh this long before the access token expires (at most a quarter of its lifetime). Default 60 s. */
  refreshLeadSeconds?: number;
  /** Up to this much earlier again, at random, so tabs and devices do not all refresh in one instant. Default 10 s. */
  refreshJitterSeconds?: number;
  /** Refresh on a timer before expiry (default true); without it a refresh happens when a call needs one. */
  proactiveRefresh?: boolean;
  /** Token mode: where the refresh token lives. */
  refreshTokenStore?: RefreshTokenStore;
  /** How long a tab waits for another tab's token before refreshing itself. Default 250 ms. */
  peerWaitMs?: number;
  /** Names the lock and the channel; tabs with the same name share one refresh. Default 'baton-session'. */
  name?: string;
  /** The anti-CSRF header's name (Baton:Cookies:CsrfHeaderName). Default 'X-Baton-CSRF'. */
  csrfHeaderName?: string;
}

/** Codes after which a refresh cannot succeed: the session is over. */
const TERMINAL_CODES = new Set(['refresh_token_reused', 'session_ended', 'invalid_token', 'token_expired']);

/** Events: `session-ended` (detail: SessionEnd), `token` (detail: { expiresAt }), `signed-out`. */
export class BatonClient extends EventTarget {
  readonly transport: Transport;
  private readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly leadMs: number;
  private readonly jitterMs: number;
  private readonly proactive: boolean;
  private readonly store: RefreshTokenStore;
  private readonly peerWaitMs: number;
  private readonly csrfHeaderName: string;
  private readonly id: string;
  private readonly bus: MessageBus | null;
  private readonly lock: TabLock;

  private accessToken: string | null = null;
  private expiresAt = 0;
  private obtainedAt = 0;
  private sessionIdValue: string | null = null;
  private generation = 0;
  private ended: SessionEnd | null = null;
  private peersSeen = false;
  private inflight: Promise<boolean> | null = null;
  private timer: unknown = null;
  private readonly tokenWaiters = new Set<() => void>();

  constructor(options: BatonClientOptions = {}) {
    super();
    this.transport = options.transport ?? 'cookie';
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => fetchImpl(input, init);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.leadMs = (options.refreshLeadSeconds ?? 60) * 1000;
    this.jitterMs = (options.refreshJitterSeconds ?? 10) * 1000;
    this.proactive = options.proactiveRefresh ?? true;
    let memory: string | null = null;
    this.store = options.refreshTokenStore ?? { get: () => memory, set: (t) => { memory = t; } };
    this.peerWaitMs = options.peerWaitMs ?? 250;
    this.csrfHeaderName = options.csrfHeaderName ?? 'X-Baton-CSRF';
    this.id = tabId();
    const name = options.name ?? 'baton-session';

    const c = options.coordination === false ? null : options.coordination ?? {};
    const g = globalThis as unknown as {
      navigator?: { locks?: LockManagerLike };
      BroadcastChannel?: new (name: string) => ChannelLike;
      localStorage?: StorageLike;
      addEventListener?: StorageEventSourceLike['addEventListener'];
      removeEventListener?: StorageEventSourceLike['removeEventListener'];
    };
    const locks = c === null ? null : c.locks === undefined ? g.navigator?.locks ?? null : c.locks;
    const channel = c === null ? null : c.channel === undefined ? (g.BroadcastChannel ? new g.BroadcastChannel(name) : null) : c.channel;
    const storage = c === null ? null : c.storage === undefined ? safeLocalStorage(g) : c.storage;
    const storageEvents = c === null ? null : c.storageEvents === undefined ? (g.addEventListener ? (g as StorageEventSourceLike) : null) : c.storageEvents;
    this.bus = channel ? channelBus(channel) : storage && storageEvents ? storageBus(storage, storageEvents, `${name}:bus`) : null;
    this.lock = locks ? webLock(locks, name) : this.bus ? claimLock(this.bus, this.id, this.clock) : noLock;
    this.bus?.subscribe((m) => this.onPeerMessage(m));
  }

  /** Whether the tab holds an access token now. */
  get signedIn(): boolean {
    return this.accessToken !== null;
  }

  get sessionId(): string | null {
    return this.sessionIdValue;
  }

  /** Why the last session ended, until the next sign-in. */
  get lastEnd(): SessionEnd | null {
    return this.ended;
  }

  /** Signs in; in cookie mode the refresh token goes only into Baton's HttpOnly cookie. */
  login(username: string, password: string, device?: Device): Promise<TokenPair> {
    return this.startSession('/v1/auth/login', { username, password, device });
  }

  /** The external providers Baton offers (enabled ones only; no token needed). */
  async externalProviders(): Promise<ExternalProvider[]> {
    const response = await this.raw('/v1/auth/external', { method: 'GET' });
    if (!response.ok) {
      throw new BatonError(response.status, await readProblem(response));
    }

    return (await response.json()) as ExternalProvider[];
  }

  /**
   * Where to send the browser to sign in through `provider`: Baton redirects it to the provider and,
   * after the callback, to `returnTo?code=…` (`returnTo` must be in Baton:External:ReturnUrls);
   * finish with `exchangeExternalCode`.
   */
  externalSignInUrl(provider: string, returnTo: string, device?: Device): string {
    const query = new URLSearchParams({ return_to: returnTo });
    for (const [key, value] of [['device_id', device?.id], ['device_type', device?.type], ['device_name', device?.name]] as const) {
      if (value) {
        query.set(key, value);
      }
    }

    return `${this.baseUrl}/v1/auth/external/${encodeURIComponent(provider)}?${query.toString()}`;
  }

  /** Redeems the one-time code an external sign-in brought back; in cookie mode the refresh token goes only into Baton's HttpOnly cookie. */
  exchangeExternalCode(code: string): Promise<TokenPair> {
    return this.startSession('/v1/auth/external/exchange', { code });
  }

  /**
   * Gets this tab an access token without a password: from another tab, or by refreshing (the
   * cookie in cookie mode, the stored token in token mode). False when there is no session.
   */
  async restore(): Promise<boolean> {
    if (this.hasFreshToken()) {
      return true;
    }

    if (this.bus?.carriesTokens && (await this.waitForPeerToken(0))) {
      return true;
    }

    return this.refresh();
  }

  /**
   * One refresh for every caller in this tab and across tabs: while one is running, callers share
   * it; a tab that waited for another tab's refresh takes that tab's token instead of rotating
   * again. True when the tab has a fresh token afterwards. A refusal that ends the session raises
   * `session-ended`; 429, 503 and network failures throw and leave the session as it was.
   */
  refresh(): Promise<boolean> {
    if (this.inflight) {
      return this.inflight;
    }

    const since = this.generation;
    this.inflight = this.lock.run(async (contended) => {
      if (this.generation !== since && this.hasFreshToken()) {
        return true;
      }

      // A tab that waited for the lock, or that has company, asks for a token newer than its own
      // before rotating: the holder's token may still be on its way (or sat in a queue while this
      // tab was frozen), and a second rotation, though no reuse, is one too many.
      if ((contended || this.peersSeen) && this.bus?.carriesTokens && (await this.waitForPeerToken(this.obtainedAt + 1))) {
        return true;
      }

      if (this.generation !== since && this.hasFreshToken()) {
        return true;
      }

      return this.refreshNow();
    }).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /**
   * `fetch` with the access token: refreshes first when the token is known to have expired (a
   * laptop that slept), adopts a token Baton refreshed silently (`X-Access-Token`), and on a 401
   * `token_expired` refreshes once and repeats the request once. A 401 that ends the session
   * raises `session-ended` and is returned as it is. Bodies must be repeatable (strings, not streams).
   */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    if (this.accessToken !== null && this.clock.now() >= this.expiresAt) {
      await this.refreshQuietly();
    }

    const sentWith = this.accessToken;
    let response = await this.send(path, init);
    if (response.status !== 401) {
      return response;
    }

    const problem = await readProblem(response);
    if (problem.code === 'token_expired' && this.canRefresh()) {
      // Another call may have refreshed while this one was on the wire.
      const fresh = this.accessToken !== sentWith && this.hasFreshToken() ? true : await this.refreshQuietly();
      if (fresh) {
        response = await this.send(path, init);
        if (response.status === 401) {
          this.endIfTerminal(await readProblem(response));
        }
      }

      return response;
    }

    this.endIfTerminal(problem);
    return response;
  }

  /** Ends this session (reason `logout`) and forgets its tokens in every tab. */
  async logout(): Promise<void> {
    await this.signOut('/v1/auth/logout');
  }

  /** Ends every session of the user (reason `logout`). */
  async logoutAll(): Promise<void> {
    await this.signOut('/v1/auth/logout-all');
  }

  me(): Promise<Me> {
    return this.json<Me>('GET', '/v1/me');
  }

  /** My active sessions; `current` marks this one. */
  mySessions(): Promise<SessionView[]> {
    return this.json<SessionView[]>('GET', '/v1/me/sessions');
  }

  /** Whether I have a password, and the external identities I sign in with. */
  myIdentities(): Promise<IdentitiesView> {
    return this.json<IdentitiesView>('GET', '/v1/me/identities');
  }

  /** Signs one of my sessions out (reason `revoked`). */
  async revokeMySession(sessionId: string): Promise<void> {
    await this.json<void>('DELETE', `/v1/me/sessions/${encodeURIComponent(sessionId)}`);
  }

  /** Changes the password; every other session ends (`password_changed`). */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.json<void>('POST', '/v1/me/password', { current_password: currentPassword, new_password: newPassword });
  }

  /** The admin API (admin role). */
  readonly admin = {
    user: (userId: string): Promise<UserView> => this.json<UserView>('GET', adminPath(userId)),
    /** The account with this username (Baton normalizes it as at registration); 404 `not_found` when there is none. */
    userByName: (username: string): Promise<UserView> =>
      this.json<UserView>('GET', `/v1/admin/users?${new URLSearchParams({ username }).toString()}`),
    sessions: (userId: string): Promise<SessionView[]> => this.json<SessionView[]>('GET', `${adminPath(userId)}/sessions`),
    kick: (userId: string): Promise<KickResult> => this.json<KickResult>('POST', `${adminPath(userId)}/kick`),
    revokeSession: (userId: string, sessionId: string): Promise<void> =>
      this.json<void>('DELETE', `${adminPath(userId)}/sessions/${encodeURIComponent(sessionId)}`),
    lock: (userId: string): Promise<KickResult> => this.json<KickResult>('POST', `${adminPath(userId)}/lock`),
    unlock: (userId: string): Promise<void> => this.json<void>('POST', `${adminPath(userId)}/unlock`),
    deleteUser: (userId: string): Promise<void> => this.json<void>('DELETE', adminPath(userId)),
    keys: (): Promise<KeyView[]> => this.json<KeyView[]>('GET', '/v1/admin/keys'),
    rotateKeys: (): Promise<KeyView[]> => this.json<KeyView[]>('POST', '/v1/admin/keys/rotate'),
  };

  /** Stops the timer and leaves the channel. */
  close(): void {
    this.cancelTimer();
    this.bus?.close();
  }

  /** A JSON call through `fetch`; a non-2xx answer throws a BatonError with Baton's problem. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }

    const response = await this.fetch(path, init);
    if (!response.ok) {
      throw new BatonError(response.status, await readProblem(response));
    }

    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  private async startSession(path: string, body: unknown): Promise<TokenPair> {
    const headers = new Headers({ 'Content-Type': 'application/json' });
    if (this.transport === 'cookie') {
      headers.set('X-Baton-Transport', 'cookie');
    }

    const response = await this.raw(path, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!response.ok) {
      throw new BatonError(response.status, await readProblem(response));
    }

    const pair = (await response.json()) as TokenPair;
    await this.accept(pair, true);
    return pair;
  }

  private async signOut(path: string): Promise<void> {
    try {
      const response = await this.fetch(path, { method: 'POST' });
      if (!response.ok && response.status !== 401) {
        throw new BatonError(response.status, await readProblem(response));
      }
    } finally {
      const sessionId = this.sessionIdValue;
      if (this.accessToken !== null) {
        await this.forget();
        this.bus?.post({ type: 'signed-out', from: this.id, sessionId });
        this.dispatchEvent(new Event('signed-out'));
      }
    }
  }

  private async refreshQuietly(): Promise<boolean> {
    try {
      return await this.refresh();
    } catch {
      // Transient (429, 503, network): the caller's request goes out and gets its own answer.
      return false;
    }
  }

  private async refreshNow(): Promise<boolean> {
    let response: Response;
    const headers = new Headers({ 'Content-Type': 'application/json' });
    if (this.transport === 'cookie') {
      headers.set(this.csrfHeaderName, '1');
      headers.set('X-Baton-Transport', 'cookie');
      response = await this.raw('/v1/auth/refresh', { method: 'POST', headers, body: '{}' });
    } else {
      const token = await this.store.get();
      if (!token) {
        return false;
      }

      response = await this.raw('/v1/auth/refresh', { method: 'POST', headers, body: JSON.stringify({ refresh_token: token }) });
    }

    if (response.ok) {
      await this.accept((await response.json()) as TokenPair, true);
      return true;
    }

    const problem = await readProblem(response);
    if (response.status === 401 && TERMINAL_CODES.has(problem.code ?? '')) {
      const hadSession = this.accessToken !== null || this.ended === null;
      await this.end(problem, true, hadSession);
      return false;
    }

    if (response.status === 400 && problem.errors?.refresh_token) {
      // No cookie: this browser has no session (a first visit, or after sign-out).
      return false;
    }

    throw new BatonError(response.status, problem);
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.accessToken !== null && !headers.has('Authorization')) {
      headers.set('Authorization', `Bearer ${this.accessToken}`);
    }

    const response = await this.raw(path, { ...init, headers });
    const silent = response.headers.get('X-Access-Token');
    if (silent) {
      // Baton refreshed by cookie on its own (the token expired on the way): take it and tell the other tabs.
      this.adopt(silent, lifetimeOf(silent, this.expiresAt - this.obtainedAt), this.sessionIdValue, true);
    }

    return response;
  }

  private raw(path: string, init: RequestInit): Promise<Response> {
    return this.fetchImpl(this.baseUrl + path, { ...init, credentials: this.transport === 'cookie' ? 'include' : 'same-origin' });
  }

  private async accept(pair: TokenPair, broadcast: boolean): Promise<void> {
    if (this.transport === 'token' && pair.refresh_token) {
      await this.store.set(pair.refresh_token);
    }

    this.adopt(pair.access_token, pair.expires_in * 1000, pair.session_id, broadcast);
  }

  private adopt(accessToken: string, lifetimeMs: number, sessionId: string | null, broadcast: boolean, obtainedAt = this.clock.now()): void {
    this.accessToken = accessToken;
    this.obtainedAt = obtainedAt;
    this.expiresAt = obtainedAt + lifetimeMs;
    this.sessionIdValue = sessionId ?? this.sessionIdValue;
    this.ended = null;
    this.generation++;
    this.schedule(lifetimeMs - (this.clock.now() - obtainedAt));
    if (broadcast) {
      this.bus?.post({
        type: 'token', from: this.id, accessToken, expiresAt: this.expiresAt, obtainedAt, sessionId: this.sessionIdValue,
      });
    }

    this.tokenWaiters.forEach((wake) => wake());
    this.dispatchEvent(new CustomEvent('token', { detail: { expiresAt: this.expiresAt } }));
  }

  private schedule(remainingMs: number): void {
    this.cancelTimer();
    if (!this.proactive) {
      return;
    }

    const lead = Math.min(this.leadMs, remainingMs / 4);
    const jitter = this.random() * Math.min(this.jitterMs, remainingMs / 10);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.refreshQuietly();
    }, Math.max(0, remainingMs - lead - jitter));
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private hasFreshToken(): boolean {
    return this.accessToken !== null && this.clock.now() < this.expiresAt;
  }

  private canRefresh(): boolean {
    return this.ended === null;
  }

  /** Waits up to `peerWaitMs` for a token another tab obtained at or after `since`, asking for one. */
  private waitForPeerToken(since: number): Promise<boolean> {
    return new Promise((resolve) => {
      const start = this.generation;
      const done = (ok: boolean): void => {
        this.tokenWaiters.delete(wake);
        this.clock.clearTimeout(timer);
        resolve(ok);
      };
      const wake = (): void => {
        if (this.generation !== start && this.hasFreshToken()) {
          done(true);
        }
      };
      const timer = this.clock.setTimeout(() => done(false), this.peerWaitMs);
      this.tokenWaiters.add(wake);
      this.bus?.post({ type: 'need', from: this.id, since });
    });
  }

  private onPeerMessage(message: PeerMessage): void {
    if (message.from === this.id) {
      return;
    }

    this.peersSeen = true;
    switch (message.type) {
      case 'token':
        if (message.obtainedAt > this.obtainedAt && message.expiresAt > this.clock.now()) {
          this.adopt(message.accessToken, message.expiresAt - message.obtainedAt, message.sessionId, false, message.obtainedAt);
        }
        break;
      case 'need':
        if (this.accessToken !== null && this.hasFreshToken() && this.obtainedAt >= message.since) {
          this.bus?.post({
            type: 'token', from: this.id, accessToken: this.accessToken, expiresAt: this.expiresAt, obtainedAt: this.obtainedAt, sessionId: this.sessionIdValue,
          });
        }
        break;
      case 'ended':
        if (this.sessionIdValue === null || message.sessionId === this.sessionIdValue) {
          void this.end({ code: message.code, reason: message.reason ?? undefined, detail: message.detail ?? undefined }, false, true);
        }
        break;
      case 'signed-out':
        if (this.accessToken !== null && message.sessionId === this.sessionIdValue) {
          void this.forget().then(() => this.dispatchEvent(new Event('signed-out')));
        }
        break;
      default:
        break;
    }
  }

  private endIfTerminal(problem: Problem): void {
    if (problem.code === 'session_ended' || problem.code === 'refresh_token_reused') {
      void this.end(problem, true, true);
    }
  }

  private async end(problem: Problem, broadcast: boolean, announce: boolean): Promise<void> {
    const sessionId = this.sessionIdValue;
    const already = this.ended !== null && this.accessToken === null;
    await this.forget();
    const end: SessionEnd = { code: problem.code ?? 'invalid_token', reason: problem.reason ?? null, detail: problem.detail ?? null };
    this.ended = end;
    if (broadcast) {
      this.bus?.post({ type: 'ended', from: this.id, sessionId, code: end.code, reason: end.reason, detail: end.detail });
    }

    if (announce && !already) {
      this.dispatchEvent(new CustomEvent<SessionEnd>('session-ended', { detail: end }));
    }
  }

  private async forget(): Promise<void> {
    this.cancelTimer();
    this.accessToken = null;
    this.expiresAt = 0;
    this.obtainedAt = 0;
    this.sessionIdValue = null;
    this.generation++;
    if (this.transport === 'token') {
      await this.store.set(null);
    }
  }
}

function adminPath(userId: string): string {
  return `/v1/admin/users/${encodeURIComponent(userId)}`;
}

/** The lifetime a JWT states (`exp - iat`), read without verifying (only to schedule the next refresh). */
function lifetimeOf(jwt: string, fallbackMs: number): number {
  try {
    const payload = jwt.split('.')[1] ?? '';
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number; iat?: number };
    if (typeof json.exp === 'number' && typeof json.iat === 'number' && json.exp > json.iat) {
      return (json.exp - json.iat) * 1000;
    }
  } catch {
    // Not a JWT we can read: keep the last lifetime.
  }

  return fallbackMs > 0 ? fallbackMs : 60_000;
}

let tabs = 0;

/** Unique per client instance (the injectable `random` may be fixed in tests, so not from it). */
function tabId(): string {
  const uuid = (globalThis.crypto as { randomUUID?: () => string } | undefined)?.randomUUID?.();
  return uuid ?? `${Date.now().toString(36)}-${(++tabs).toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function safeLocalStorage(g: { localStorage?: StorageLike }): StorageLike | null {
  try {
    return g.localStorage ?? null;
  } catch {
    // Storage disabled (a sandboxed frame, privacy settings).
    return null;
  }
}
