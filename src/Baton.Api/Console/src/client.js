// Built from clients/js by `npm run build:console`; edit the TypeScript there, not this file.
import { channelBus, claimLock, noLock, storageBus, systemClock, webLock, } from './coordination.js';
import { BatonError, readProblem } from './errors.js';
/** Codes after which a refresh cannot succeed: the session is over. */
const TERMINAL_CODES = new Set(['refresh_token_reused', 'session_ended', 'invalid_token', 'token_expired']);
/** Events: `session-ended` (detail: SessionEnd), `token` (detail: { expiresAt }), `signed-out`. */
export class BatonClient extends EventTarget {
    transport;
    baseUrl;
    fetchImpl;
    clock;
    random;
    leadMs;
    jitterMs;
    proactive;
    store;
    peerWaitMs;
    csrfHeaderName;
    id;
    bus;
    lock;
    accessToken = null;
    expiresAt = 0;
    obtainedAt = 0;
    sessionIdValue = null;
    generation = 0;
    ended = null;
    peersSeen = false;
    inflight = null;
    timer = null;
    tokenWaiters = new Set();
    constructor(options = {}) {
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
        let memory = null;
        this.store = options.refreshTokenStore ?? { get: () => memory, set: (t) => { memory = t; } };
        this.peerWaitMs = options.peerWaitMs ?? 250;
        this.csrfHeaderName = options.csrfHeaderName ?? 'X-Baton-CSRF';
        this.id = tabId();
        const name = options.name ?? 'baton-session';
        const c = options.coordination === false ? null : options.coordination ?? {};
        const g = globalThis;
        const locks = c === null ? null : c.locks === undefined ? g.navigator?.locks ?? null : c.locks;
        const channel = c === null ? null : c.channel === undefined ? (g.BroadcastChannel ? new g.BroadcastChannel(name) : null) : c.channel;
        const storage = c === null ? null : c.storage === undefined ? safeLocalStorage(g) : c.storage;
        const storageEvents = c === null ? null : c.storageEvents === undefined ? (g.addEventListener ? g : null) : c.storageEvents;
        this.bus = channel ? channelBus(channel) : storage && storageEvents ? storageBus(storage, storageEvents, `${name}:bus`) : null;
        this.lock = locks ? webLock(locks, name) : this.bus ? claimLock(this.bus, this.id, this.clock) : noLock;
        this.bus?.subscribe((m) => this.onPeerMessage(m));
    }
    /** Whether the tab holds an access token now. */
    get signedIn() {
        return this.accessToken !== null;
    }
    get sessionId() {
        return this.sessionIdValue;
    }
    /** Why the last session ended, until the next sign-in. */
    get lastEnd() {
        return this.ended;
    }
    /** Signs in; in cookie mode the refresh token goes only into Baton's HttpOnly cookie. */
    login(username, password, device) {
        return this.startSession('/v1/auth/login', { username, password, device });
    }
    /** The external providers Baton offers (enabled ones only; no token needed). */
    async externalProviders() {
        const response = await this.raw('/v1/auth/external', { method: 'GET' });
        if (!response.ok) {
            throw new BatonError(response.status, await readProblem(response));
        }
        return (await response.json());
    }
    /**
     * Where to send the browser to sign in through `provider`: Baton redirects it to the provider and,
     * after the callback, to `returnTo?code=…` (`returnTo` must be in Baton:External:ReturnUrls);
     * finish with `exchangeExternalCode`.
     */
    externalSignInUrl(provider, returnTo, device) {
        const query = new URLSearchParams({ return_to: returnTo });
        for (const [key, value] of [['device_id', device?.id], ['device_type', device?.type], ['device_name', device?.name]]) {
            if (value) {
                query.set(key, value);
            }
        }
        return `${this.baseUrl}/v1/auth/external/${encodeURIComponent(provider)}?${query.toString()}`;
    }
    /** Redeems the one-time code an external sign-in brought back; in cookie mode the refresh token goes only into Baton's HttpOnly cookie. */
    exchangeExternalCode(code) {
        return this.startSession('/v1/auth/external/exchange', { code });
    }
    /**
     * Gets this tab an access token without a password: from another tab, or by refreshing (the
     * cookie in cookie mode, the stored token in token mode). False when there is no session.
     */
    async restore() {
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
    refresh() {
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
    async fetch(path, init = {}) {
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
    async logout() {
        await this.signOut('/v1/auth/logout');
    }
    /** Ends every session of the user (reason `logout`). */
    async logoutAll() {
        await this.signOut('/v1/auth/logout-all');
    }
    me() {
        return this.json('GET', '/v1/me');
    }
    /** My active sessions; `current` marks this one. */
    mySessions() {
        return this.json('GET', '/v1/me/sessions');
    }
    /** Whether I have a password, and the external identities I sign in with. */
    myIdentities() {
        return this.json('GET', '/v1/me/identities');
    }
    /** Signs one of my sessions out (reason `revoked`). */
    async revokeMySession(sessionId) {
        await this.json('DELETE', `/v1/me/sessions/${encodeURIComponent(sessionId)}`);
    }
    /** Changes the password; every other session ends (`password_changed`). */
    async changePassword(currentPassword, newPassword) {
        await this.json('POST', '/v1/me/password', { current_password: currentPassword, new_password: newPassword });
    }
    /** The admin API (admin role). */
    admin = {
        user: (userId) => this.json('GET', adminPath(userId)),
        /** The account with this username (Baton normalizes it as at registration); 404 `not_found` when there is none. */
        userByName: (username) => this.json('GET', `/v1/admin/users?${new URLSearchParams({ username }).toString()}`),
        sessions: (userId) => this.json('GET', `${adminPath(userId)}/sessions`),
        kick: (userId) => this.json('POST', `${adminPath(userId)}/kick`),
        revokeSession: (userId, sessionId) => this.json('DELETE', `${adminPath(userId)}/sessions/${encodeURIComponent(sessionId)}`),
        lock: (userId) => this.json('POST', `${adminPath(userId)}/lock`),
        unlock: (userId) => this.json('POST', `${adminPath(userId)}/unlock`),
        deleteUser: (userId) => this.json('DELETE', adminPath(userId)),
        keys: () => this.json('GET', '/v1/admin/keys'),
        rotateKeys: () => this.json('POST', '/v1/admin/keys/rotate'),
    };
    /** Stops the timer and leaves the channel. */
    close() {
        this.cancelTimer();
        this.bus?.close();
    }
    /** A JSON call through `fetch`; a non-2xx answer throws a BatonError with Baton's problem. */
    async json(method, path, body) {
        const init = { method };
        if (body !== undefined) {
            init.headers = { 'Content-Type': 'application/json' };
            init.body = JSON.stringify(body);
        }
        const response = await this.fetch(path, init);
        if (!response.ok) {
            throw new BatonError(response.status, await readProblem(response));
        }
        return (response.status === 204 ? undefined : await response.json());
    }
    async startSession(path, body) {
        const headers = new Headers({ 'Content-Type': 'application/json' });
        if (this.transport === 'cookie') {
            headers.set('X-Baton-Transport', 'cookie');
        }
        const response = await this.raw(path, { method: 'POST', headers, body: JSON.stringify(body) });
        if (!response.ok) {
            throw new BatonError(response.status, await readProblem(response));
        }
        const pair = (await response.json());
        await this.accept(pair, true);
        return pair;
    }
    async signOut(path) {
        try {
            const response = await this.fetch(path, { method: 'POST' });
            if (!response.ok && response.status !== 401) {
                throw new BatonError(response.status, await readProblem(response));
            }
        }
        finally {
            const sessionId = this.sessionIdValue;
            if (this.accessToken !== null) {
                await this.forget();
                this.bus?.post({ type: 'signed-out', from: this.id, sessionId });
                this.dispatchEvent(new Event('signed-out'));
            }
        }
    }
    async refreshQuietly() {
        try {
            return await this.refresh();
        }
        catch {
            // Transient (429, 503, network): the caller's request goes out and gets its own answer.
            return false;
        }
    }
    async refreshNow() {
        let response;
        const headers = new Headers({ 'Content-Type': 'application/json' });
        if (this.transport === 'cookie') {
            headers.set(this.csrfHeaderName, '1');
            headers.set('X-Baton-Transport', 'cookie');
            response = await this.raw('/v1/auth/refresh', { method: 'POST', headers, body: '{}' });
        }
        else {
            const token = await this.store.get();
            if (!token) {
                return false;
            }
            response = await this.raw('/v1/auth/refresh', { method: 'POST', headers, body: JSON.stringify({ refresh_token: token }) });
        }
        if (response.ok) {
            await this.accept((await response.json()), true);
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
    async send(path, init) {
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
    raw(path, init) {
        return this.fetchImpl(this.baseUrl + path, { ...init, credentials: this.transport === 'cookie' ? 'include' : 'same-origin' });
    }
    async accept(pair, broadcast) {
        if (this.transport === 'token' && pair.refresh_token) {
            await this.store.set(pair.refresh_token);
        }
        this.adopt(pair.access_token, pair.expires_in * 1000, pair.session_id, broadcast);
    }
    adopt(accessToken, lifetimeMs, sessionId, broadcast, obtainedAt = this.clock.now()) {
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
    schedule(remainingMs) {
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
    cancelTimer() {
        if (this.timer !== null) {
            this.clock.clearTimeout(this.timer);
            this.timer = null;
        }
    }
    hasFreshToken() {
        return this.accessToken !== null && this.clock.now() < this.expiresAt;
    }
    canRefresh() {
        return this.ended === null;
    }
    /** Waits up to `peerWaitMs` for a token another tab obtained at or after `since`, asking for one. */
    waitForPeerToken(since) {
        return new Promise((resolve) => {
            const start = this.generation;
            const done = (ok) => {
                this.tokenWaiters.delete(wake);
                this.clock.clearTimeout(timer);
                resolve(ok);
            };
            const wake = () => {
                if (this.generation !== start && this.hasFreshToken()) {
                    done(true);
                }
            };
            const timer = this.clock.setTimeout(() => done(false), this.peerWaitMs);
            this.tokenWaiters.add(wake);
            this.bus?.post({ type: 'need', from: this.id, since });
        });
    }
    onPeerMessage(message) {
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
    endIfTerminal(problem) {
        if (problem.code === 'session_ended' || problem.code === 'refresh_token_reused') {
            void this.end(problem, true, true);
        }
    }
    async end(problem, broadcast, announce) {
        const sessionId = this.sessionIdValue;
        const already = this.ended !== null && this.accessToken === null;
        await this.forget();
        const end = { code: problem.code ?? 'invalid_token', reason: problem.reason ?? null, detail: problem.detail ?? null };
        this.ended = end;
        if (broadcast) {
            this.bus?.post({ type: 'ended', from: this.id, sessionId, code: end.code, reason: end.reason, detail: end.detail });
        }
        if (announce && !already) {
            this.dispatchEvent(new CustomEvent('session-ended', { detail: end }));
        }
    }
    async forget() {
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
function adminPath(userId) {
    return `/v1/admin/users/${encodeURIComponent(userId)}`;
}
/** The lifetime a JWT states (`exp - iat`), read without verifying (only to schedule the next refresh). */
function lifetimeOf(jwt, fallbackMs) {
    try {
        const payload = jwt.split('.')[1] ?? '';
        const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
        if (typeof json.exp === 'number' && typeof json.iat === 'number' && json.exp > json.iat) {
            return (json.exp - json.iat) * 1000;
        }
    }
    catch {
        // Not a JWT we can read: keep the last lifetime.
    }
    return fallbackMs > 0 ? fallbackMs : 60_000;
}
let tabs = 0;
/** Unique per client instance (the injectable `random` may be fixed in tests, so not from it). */
function tabId() {
    const uuid = globalThis.crypto?.randomUUID?.();
    return uuid ?? `${Date.now().toString(36)}-${(++tabs).toString(36)}-${Math.random().toString(36).slice(2)}`;
}
function safeLocalStorage(g) {
    try {
        return g.localStorage ?? null;
    }
    catch {
        // Storage disabled (a sandboxed frame, privacy settings).
        return null;
    }
}
