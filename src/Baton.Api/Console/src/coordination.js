// Built from clients/js by `npm run build:console`; edit the TypeScript there, not this file.
/**
 * How the tabs of one browser agree that only one of them refreshes: Web Locks where the browser
 * has them, else a claim protocol over a message bus (BroadcastChannel, or localStorage events);
 * and how a tab hands the access token it got to the others (BroadcastChannel only: a token never
 * goes into localStorage, not even for a moment).
 */
export const systemClock = {
    now: () => Date.now(),
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle),
};
export function channelBus(channel) {
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
export function storageBus(storage, events, key) {
    const listeners = [];
    const onStorage = (event) => {
        if (event.key !== key || event.newValue === null) {
            return;
        }
        try {
            const message = JSON.parse(event.newValue);
            if (isPeerMessage(message) && message.type !== 'token') {
                listeners.forEach((l) => l(message));
            }
        }
        catch {
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
function isPeerMessage(value) {
    return value !== null && typeof value === 'object' && typeof value.type === 'string' &&
        typeof value.from === 'string';
}
export function webLock(locks, name) {
    return {
        async run(work) {
            const first = await locks.request(name, { ifAvailable: true }, async (lock) => lock ? { ran: true, value: await work(false) } : { ran: false });
            if (first.ran) {
                return first.value;
            }
            return locks.request(name, {}, () => work(true));
        },
    };
}
/** Within one tab only: for a lone tab, a server, or a browser without any cross-tab primitive. */
export const noLock = { run: (work) => work(false) };
/**
 * The fallback without Web Locks: a tab that wants the lock posts a claim and listens for a short
 * window; the earliest claim (ties broken by tab id) wins, the others wait for its release (or
 * for `holdTimeoutMs`, should the holder's tab close mid-way) and claim again.
 */
export function claimLock(bus, id, clock, claimWindowMs = 50, holdTimeoutMs = 10_000) {
    const holders = new Map();
    let rivals = null;
    let holding = false;
    let wake = null;
    const sleep = (ms) => new Promise((resolve) => clock.setTimeout(resolve, ms));
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
    const heldByOthers = () => {
        const now = clock.now();
        let earliest = null;
        for (const [holder, until] of holders) {
            if (until <= now) {
                holders.delete(holder);
            }
            else if (earliest === null || until < earliest) {
                earliest = until;
            }
        }
        return earliest;
    };
    const waitWhileHeld = async () => {
        let waited = false;
        for (let until = heldByOthers(); until !== null; until = heldByOthers()) {
            waited = true;
            await new Promise((resolve) => {
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
        async run(work) {
            let contended = false;
            for (;;) {
                contended = (await waitWhileHeld()) || contended;
                const mine = { id, at: clock.now() };
                const seen = [];
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
                    }
                    finally {
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
