import type { ChannelLike, Clock, LockManagerLike, StorageEventSourceLike, StorageLike } from '../src/index.js';

/** A clock that moves only when told; `advance` fires the timers that fall due, in order. */
export class FakeClock implements Clock {
  private t = 1_700_000_000_000;
  private next = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.t).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running due timers and letting their promises settle in between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) {
        break;
      }

      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }

    this.t = end;
    await settle();
  }
}

/** Lets every queued promise job, and the macrotasks the fakes post, run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** `navigator.locks` for one name space shared by several fake tabs: exclusive, FIFO, ifAvailable. */
export class FakeLocks implements LockManagerLike {
  private readonly held = new Set<string>();
  private readonly queues = new Map<string, (() => void)[]>();

  async request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T> | T): Promise<T> {
    if (this.held.has(name)) {
      if (options.ifAvailable) {
        return callback(null);
      }

      await new Promise<void>((resolve) => {
        const queue = this.queues.get(name) ?? [];
        queue.push(resolve);
        this.queues.set(name, queue);
      });
    }

    this.held.add(name);
    try {
      return await callback({ name });
    } finally {
      const next = this.queues.get(name)?.shift();
      if (next) {
        // Handed straight to the next waiter, as the Web Locks queue does.
        next();
      } else {
        this.held.delete(name);
      }
    }
  }
}

/** BroadcastChannel between fake tabs: delivered to every other member, asynchronously, as a structured copy. */
export class FakeChannelHub {
  private readonly members = new Set<FakeChannel>();

  channel(): FakeChannel {
    const channel = new FakeChannel(this.members);
    this.members.add(channel);
    return channel;
  }
}

export class FakeChannel implements ChannelLike {
  private readonly listeners: ((event: { data: unknown }) => void)[] = [];
  readonly posted: unknown[] = [];

  constructor(private readonly members: Set<FakeChannel>) {}

  postMessage(message: unknown): void {
    this.posted.push(message);
    const copy = JSON.stringify(message);
    for (const member of this.members) {
      if (member !== this) {
        setImmediate(() => member.listeners.forEach((l) => l({ data: JSON.parse(copy) })));
      }
    }
  }

  addEventListener(_type: 'message', listener: (event: { data: unknown }) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.members.delete(this);
  }
}

/** localStorage shared by fake tabs, raising `storage` events in the other tabs as browsers do. */
export class FakeStorageHub {
  readonly values = new Map<string, string>();
  readonly written: string[] = [];
  private readonly windows = new Set<FakeWindow>();

  tab(): { storage: StorageLike; storageEvents: StorageEventSourceLike } {
    const window = new FakeWindow();
    this.windows.add(window);
    const storage: StorageLike = {
      setItem: (key, value) => {
        this.values.set(key, value);
        this.written.push(value);
        for (const w of this.windows) {
          if (w !== window) {
            setImmediate(() => w.fire({ key, newValue: value }));
          }
        }
      },
      removeItem: (key) => {
        this.values.delete(key);
      },
    };
    return { storage, storageEvents: window };
  }
}

class FakeWindow implements StorageEventSourceLike {
  private listeners: ((event: { key: string | null; newValue: string | null }) => void)[] = [];

  addEventListener(_type: 'storage', listener: (event: { key: string | null; newValue: string | null }) => void): void {
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'storage', listener: (event: { key: string | null; newValue: string | null }) => void): void {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }

  fire(event: { key: string | null; newValue: string | null }): void {
    this.listeners.forEach((l) => l(event));
  }
}

export interface Call {
  method: string;
  path: string;
  /** The query string, with its `?` (empty when none). */
  search: string;
  headers: Headers;
  body: string | null;
  credentials: RequestCredentials | undefined;
}

/**
 * Baton's HTTP contract as far as the client sees it: login, refresh (cookie or body), a
 * protected GET, access tokens that expire on the fake clock, and sessions that can be ended.
 */
export class FakeBaton {
  readonly calls: Call[] = [];
  rotations = 0;
  lifetimeSeconds = 900;
  /** Answer refreshes with this status and problem instead (a 503, say). */
  refreshFailure: { status: number; problem: object } | null = null;
  /** Refresh answers wait for this before being sent, so tests can hold them on the wire. */
  refreshGate: Promise<void> | null = null;
  silentRefresh = false;
  /** What `GET /v1/auth/external` answers. */
  externalProviders: { name: string; display_name: string }[] = [];
  /** One-time codes `POST /v1/auth/external/exchange` redeems (each once). */
  readonly externalCodes = new Set<string>();
  private generation = 0;
  private cookie: string | null = null;
  private endedReason: string | null = null;
  private readonly accessTokens = new Map<string, number>();

  constructor(private readonly clock: FakeClock) {}

  get refreshCalls(): number {
    return this.calls.filter((c) => c.path === '/v1/auth/refresh').length;
  }

  endSession(reason: string): void {
    this.endedReason = reason;
  }

  /** Marks every access token handed out so far as expired (the server's view; the client's clock is not moved). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.keys()) {
      this.accessTokens.set(token, 0);
    }
  }

  readonly fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input, 'https://baton.test');
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? init.body : null;
    const method = init.method ?? 'GET';
    this.calls.push({ method, path: url.pathname, search: url.search, headers, body, credentials: init.credentials });
    await settle();
    if (url.pathname === '/v1/auth/login') {
      return this.issue(headers.get('X-Baton-Transport') === 'cookie');
    }

    if (url.pathname === '/v1/auth/external' && method === 'GET') {
      return Response.json(this.externalProviders);
    }

    if (url.pathname === '/v1/auth/external/exchange') {
      const code = body ? (JSON.parse(body) as { code?: string }).code : undefined;
      if (code === undefined || !this.externalCodes.delete(code)) {
        return problem(400, { code: 'invalid_code' });
      }

      return this.issue(headers.get('X-Baton-Transport') === 'cookie');
    }

    if (url.pathname === '/v1/auth/refresh') {
      if (this.refreshGate) {
        await this.refreshGate;
      }

      if (this.refreshFailure) {
        return problem(this.refreshFailure.status, this.refreshFailure.problem);
      }

      const presented = body ? (JSON.parse(body) as { refresh_token?: string }).refresh_token : undefined;
      const byCookie = presented === undefined;
      if (byCookie && !headers.get('X-Baton-CSRF')) {
        return problem(403, { code: 'forbidden' });
      }

      if (this.endedReason) {
        return problem(401, { code: 'session_ended', reason: this.endedReason, detail: `ended: ${this.endedReason}` });
      }

      const token = byCookie ? this.cookie : presented;
      if (token !== `rt-${this.generation}`) {
        this.endedReason = 'reuse_detected';
        return problem(401, { code: 'refresh_token_reused' });
      }

      this.rotations++;
      this.generation++;
      return this.issue(byCookie);
    }

    const authorization = headers.get('Authorization') ?? '';
    const access = authorization.replace(/^Bearer /, '');
    if (this.endedReason) {
      return problem(401, { code: 'session_ended', reason: this.endedReason, detail: `ended: ${this.endedReason}` });
    }

    const expires = this.accessTokens.get(access);
    if (expires === undefined) {
      return problem(401, { code: 'invalid_token' });
    }

    if (expires <= this.clock.now()) {
      if (this.silentRefresh && this.cookie) {
        this.rotations++;
        this.generation++;
        this.cookie = `rt-${this.generation}`;
        const fresh = this.mint();
        return new Response(JSON.stringify({ path: url.pathname, token: fresh }), { status: 200, headers: { 'Content-Type': 'application/json', 'X-Access-Token': fresh } });
      }

      return problem(401, { code: 'token_expired' });
    }

    if (method === 'DELETE' || url.pathname.endsWith('/logout')) {
      return new Response(null, { status: 204 });
    }

    return Response.json({ path: url.pathname, token: access });
  };

  private issue(cookie: boolean): Response {
    const refresh = `rt-${this.generation}`;
    if (cookie) {
      this.cookie = refresh;
    }

    return Response.json({
      access_token: this.mint(),
      token_type: 'Bearer',
      expires_in: this.lifetimeSeconds,
      ...(cookie ? {} : { refresh_token: refresh }),
      refresh_expires_in: 604800,
      session_id: 'sid-1',
    });
  }

  private mint(): string {
    const iat = Math.floor(this.clock.now() / 1000);
    const payload = Buffer.from(JSON.stringify({ iat, exp: iat + this.lifetimeSeconds, n: this.accessTokens.size })).toString('base64url');
    const token = `eyJhbGciOiJFUzI1NiJ9.${payload}.sig`;
    this.accessTokens.set(token, this.clock.now() + this.lifetimeSeconds * 1000);
    return token;
  }
}

function problem(status: number, body: object): Response {
  return new Response(JSON.stringify({ status, ...body }), { status, headers: { 'Content-Type': 'application/problem+json' } });
}
