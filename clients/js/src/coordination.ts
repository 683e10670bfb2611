/**
 * How the tabs of one browser agree that only one of them refreshes: Web Locks where the browser
 * has them, else a claim protocol over a message bus (BroadcastChannel, or localStorage events);
 * and how a tab hands the access token it got to the others (BroadcastChannel only: a token never
 * goes into localStorage, not even for a moment).
 */

/** The part of `navigator.locks` the client uses. */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T> | T): Promise<T>;
}

/** The part of `BroadcastChannel` the client uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** The part of `localStorage` the fallback bus uses (signals only, never tokens). */
export interface StorageLike {
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Where `storage` events arrive (the window). */
export interface StorageEventSourceLike {
  addEventListener(type: 'storage', listener: (event: { key: string | null; newValue: string | null }) => void): void;
  removeEventListener(type: 'storage', listener: (event: { key: string | null; newValue: string | null }) => void): void;
}

/** Time and timers, injectable so tests move time themselves. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** What tabs tell each other. Only `token` carries a token, and only over a channel that is not storage. */
export type PeerMessage =
  | { type: 'token'; from: string; accessToken: string; expiresAt: number; obtainedAt: number; sessionId: string | null }
  | { type: 'need'; from: string; since: number }
  | { type: 'ended'; from: string; sessionId: string | null; code: string; reason: string | null; detail: string | null }
  | { type: 'signed-out'; from: string; sessionId: string | null }
  | { type: 'lock-claim'; from: string; at: number }
  | { type: 'lock-held'; from: string }
  | { type: 'lock-released'; from: string };

export interface MessageBus {
  /** Whether the bus may carry access tokens (a BroadcastChannel may; localStorage may not). */
  readonly carriesTokens: boolean;
  post(message: PeerMessage): void;
  subscribe(listener: (message: PeerMessage) => void): void;
  close(): void;
}

export function channelBus(channel: ChannelLike): MessageBus {
  return {
    carriesTokens: true,
    post: (message) => channel.postMessage(message),
    subscribe: (listener) => channel.addEventListener('message', (event) => {
      if (isPeerMessage(event.data)) {
        listener(event.data);
      }
    }),
    close: () => channel.close(),
  };
}

/** A bus over `storage` events for browsers without BroadcastChannel: it refuses to carry tokens. */
export function storageBus(storage: StorageLike, events: StorageEventSourceLike, key: string): MessageBus {
  const listeners: ((message: PeerMessage) => void)[] = [];
  const onStorage = (event: { key: string | null; newValue: string | null }): void => {
    if (event.key !== key || event.newValue === null) {
      return;
    }

    try {
      const message: unknown = JSON.parse(event.newValue);
      if (isPeerMessage(message) && message.type !== 'token') {
        listeners.forEach((l) => l(message));
      }
    } catch {
      // Someone else's value under our key.
    }
  };
  events.addEventListener('storage', onStorage);
  let sequence = 0;
  return {
    carriesTokens: false,
    post: (message) => {
      if (message.type === 'token') {
        return;
      }

      // A unique value each time, so that two equal messages both raise an event.
      storage.setItem(key, JSON.stringify({ ...message, n: ++sequence }));
      storage.removeItem(key);
    },
    subscribe: (listener) => {
      listeners.push(listener);
    },
    close: () => events.removeEventListener('storage', onStorage),
  };
}

function isPeerMessage(value: unknown): value is PeerMessage {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string' &&
    typeof (value as { from?: unknown }).from === 'string';
}

/** One holder at a time across tabs. `contended` tells the holder that another tab held it first. */
export interface TabLock {
  run<T>(work: (contended: boolean) => Promise<T>): Promise<T>;
}

export function webLock(locks: LockManagerLike, name: string): TabLock {
  return {
    async run<T>(work: (contended: boolean) => Promise<T>): Promise<T> {
      const first = await locks.request(name, { ifAvailable: true }, async (lock) =>
        lock ? { ran: true as const, value: await work(false) } : { ran: false as const });
      if (first.ran) {
        return first.value;
      }

      return locks.request(name, {}, () => work(true));
    },
  };
}

/** Within one tab only: for a lone tab, a server, or a browser without any cross-tab primitive. */
export const noLock: TabLock = { run: (work) => work(false) };

/**
 * The fallback without Web Locks: a tab that wants the lock posts a claim and listens for a short
 * window; the earliest claim (ties broken by tab id) wins, the others wait for its release (or
 * for `holdTimeoutMs`, should the holder's tab close mid-way) and claim again.
 */
export function claimLock(bus: MessageBus, id: string, clock: Clock, claimWindowMs = 50, holdTimeoutMs = 10_000): TabLock {
  const holders = new Map<string, number>();
  let rivals: { id: string; at: number }[] | null = null;
  let holding = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimeout(resolve, ms));

  bus.subscribe((message) => {
    if (message.from === id) {
      return;
    }

    switch (message.type) {
      case 'lock-claim':
        rivals?.push({ id: message.from, at: message.at });
        if (holding) {
          bus.post({ type: 'lock-held', from: id });
        }
        break;
      case 'lock-held':
        holders.set(message.from, clock.now() + holdTimeoutMs);
        break;
      case 'lock-released':
        holders.delete(message.from);
        wake?.();
        break;
      default:
        break;
    }
  });

  const heldByOthers = (): number | null => {
    const now = clock.now();
    let earliest: number | null = null;
    for (const [holder, until] of holders) {
      if (until <= now) {
        holders.delete(holder);
      } else if (earliest === null || until < earliest) {
        earliest = until;
      }
    }

    return earliest;
  };

  const waitWhileHeld = async (): Promise<boolean> => {
    let waited = false;
    for (let until = heldByOthers(); until !== null; until = heldByOthers()) {
      waited = true;
      await new Promise<void>((resolve) => {
        const timer = clock.setTimeout(resolve, until - clock.now());
        wake = () => {
          clock.clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }

    return waited;
  };

  return {
    async run<T>(work: (contended: boolean) => Promise<T>): Promise<T> {
      let contended = false;
      for (;;) {
        contended = (await waitWhileHeld()) || contended;
        const mine = { id, at: clock.now() };
        const seen: { id: string; at: number }[] = [];
        rivals = seen;
        bus.post({ type: 'lock-claim', from: id, at: mine.at });
        await sleep(claimWindowMs);
        rivals = null;
        const beaten = seen.some((r) => r.at < mine.at || (r.at === mine.at && r.id < mine.id));
        if (!beaten && heldByOthers() === null) {
          holding = true;
          bus.post({ type: 'lock-held', from: id });
          try {
            return await work(contended);
          } finally {
            holding = false;
            bus.post({ type: 'lock-released', from: id });
          }
        }

        contended = true;
        if (heldByOthers() === null) {
          // Beaten by a claim whose holder has not said so yet: give it the window to.
          const winner = seen.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.id < a.id) ? b : a));
          holders.set(winner.id, clock.now() + claimWindowMs * 4);
        }
      }
    },
  };
}
