import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatonClient, BatonError, type BatonClientOptions, type SessionEnd } from '../src/index.js';
import { FakeBaton, FakeChannelHub, FakeClock, FakeLocks, FakeStorageHub, settle } from './fakes.js';

/** One browser: fake tabs sharing locks and a channel, against one fake Baton, on one clock. */
function browser(options: { locks?: boolean; channel?: boolean; storage?: boolean } = {}) {
  const clock = new FakeClock();
  const baton = new FakeBaton(clock);
  const locks = new FakeLocks();
  const hub = new FakeChannelHub();
  const storage = new FakeStorageHub();
  const tab = (extra: BatonClientOptions = {}): BatonClient => {
    const shared = storage.tab();
    return new BatonClient({
      fetch: baton.fetch,
      clock,
      random: () => 0.5,
      coordination: {
        locks: options.locks === false ? null : locks,
        channel: options.channel === false ? null : hub.channel(),
        storage: options.storage === false ? null : shared.storage,
        storageEvents: options.storage === false ? null : shared.storageEvents,
      },
      ...extra,
    });
  };
  return { clock, baton, tab, storage };
}

/** Moves the clock in small steps until `work` settles (the client waits on timers for other tabs). */
async function drive<T>(clock: FakeClock, work: Promise<T>): Promise<T> {
  let done = false;
  const watched = work.finally(() => { done = true; });
  for (let i = 0; i < 200 && !done; i++) {
    await clock.advance(50);
  }

  return watched;
}

function endsOf(client: BatonClient): SessionEnd[] {
  const ends: SessionEnd[] = [];
  client.addEventListener('session-ended', (e) => ends.push((e as CustomEvent<SessionEnd>).detail));
  return ends;
}

describe('BatonClient.fetch', () => {
  it('fetch_TenCallsGet401TokenExpiredTogether_OneRefreshAndEachRetriedOnce', async () => {
    const { baton, tab } = browser();
    const client = tab({ proactiveRefresh: false });
    await client.login('alice', 'a long passphrase');
    baton.expireAccessTokens();

    const responses = await Promise.all(Array.from({ length: 10 }, () => client.fetch('/v1/me')));

    assert.deepEqual(responses.map((r) => r.status), Array(10).fill(200));
    assert.equal(baton.refreshCalls, 1);
    assert.equal(baton.rotations, 1);
    // Ten first tries, one refresh, ten retries, one login.
    assert.equal(baton.calls.length, 22);
  });

  it('fetch_TokenKnownExpired_RefreshesBeforeSending_No401RoundTrip', async () => {
    const { baton, clock, tab } = browser();
    const client = tab({ proactiveRefresh: false });
    await client.login('alice', 'a long passphrase');
    await clock.advance(901_000);

    const responses = await Promise.all([client.fetch('/v1/me'), client.fetch('/v1/me/sessions')]);

    assert.deepEqual(responses.map((r) => r.status), [200, 200]);
    assert.deepEqual(baton.calls.map((c) => c.path), ['/v1/auth/login', '/v1/auth/refresh', '/v1/me', '/v1/me/sessions']);
  });

  it('fetch_RefreshAnsweredReused_RaisesSessionEndedWithCode_AndDoesNotRetry', async () => {
    const { baton, tab } = browser();
    const client = tab({ proactiveRefresh: false });
    const ends = endsOf(client);
    await client.login('alice', 'a long passphrase');
    baton.expireAccessTokens();
    baton.refreshFailure = { status: 401, problem: { code: 'refresh_token_reused', detail: 'reused' } };

    const response = await client.fetch('/v1/me');

    assert.equal(response.status, 401);
    assert.deepEqual(ends, [{ code: 'refresh_token_reused', reason: null, detail: 'reused' }]);
    assert.equal(client.signedIn, false);
    assert.equal((await client.fetch('/v1/me')).status, 401);
    assert.equal(baton.refreshCalls, 1, 'no refresh after the session ended');
  });

  it('fetch_SessionEndedByKick_RaisesSessionEndedWithReason', async () => {
    const { baton, tab } = browser();
    const client = tab({ proactiveRefresh: false });
    const ends = endsOf(client);
    await client.login('alice', 'a long passphrase');
    baton.endSession('kicked');

    const response = await client.fetch('/v1/me');

    assert.equal(response.status, 401);
    assert.deepEqual(ends, [{ code: 'session_ended', reason: 'kicked', detail: 'ended: kicked' }]);
    assert.equal(baton.refreshCalls, 0);
  });

  it('fetch_RefreshUnavailable_ReturnsOriginal401_KeepsSession_NoEvent', async () => {
    const { baton, tab } = browser();
    const client = tab({ proactiveRefresh: false });
    const ends = endsOf(client);
    await client.login('alice', 'a long passphrase');
    baton.expireAccessTokens();
    baton.refreshFailure = { status: 503, problem: { code: 'unavailable' } };

    const response = await client.fetch('/v1/me');

    assert.equal(response.status, 401);
    assert.deepEqual(ends, []);
    assert.equal(client.signedIn, true);
    baton.refreshFailure = null;
    assert.equal((await client.fetch('/v1/me')).status, 200, 'the next call refreshes and succeeds');
  });

  it('fetch_SilentRefreshHeader_AdoptsXAccessToken_ForLaterCalls', async () => {
    const { baton, tab } = browser();
    const client = tab({ proactiveRefresh: false });
    await client.login('alice', 'a long passphrase');
    baton.expireAccessTokens();
    baton.silentRefresh = true;

    const first = (await (await client.fetch('/v1/me')).json()) as { token: string };
    await client.fetch('/v1/me');

    const last = baton.calls.at(-1)!;
    assert.equal(last.headers.get('Authorization'), `Bearer ${first.token}`);
    assert.equal(baton.refreshCalls, 0);
  });
});

describe('BatonClient transports', () => {
  it('login_CookieMode_AsksForTheCookie_RefreshSendsCsrfHeaderAndNoToken', async () => {
    const { baton, tab } = browser();
    const client = tab({ proactiveRefresh: false });

    await client.login('alice', 'a long passphrase', { id: 'laptop', type: 'web' });
    await client.refresh();

    const [login, refresh] = baton.calls;
    assert.equal(login!.headers.get('X-Baton-Transport'), 'cookie');
    assert.deepEqual(JSON.parse(login!.body!), { username: 'alice', password: 'a long passphrase', device: { id: 'laptop', type: 'web' } });
    assert.equal(login!.credentials, 'include');
    assert.equal(refresh!.headers.get('X-Baton-CSRF'), '1');
    assert.deepEqual(JSON.parse(refresh!.body!), {});
    assert.equal(baton.rotations, 1);
  });

  it('refresh_TokenMode_SendsStoredRefreshToken_AndStoresTheRotatedOne', async () => {
    const { baton, tab } = browser();
    let stored: string | null = null;
    const client = tab({ transport: 'token', proactiveRefresh: false, refreshTokenStore: { get: () => stored, set: (t) => { stored = t; } } });

    await client.login('alice', 'a long passphrase');
    assert.equal(stored, 'rt-0');
    await client.refresh();

    assert.equal(baton.calls[0]!.headers.get('X-Baton-Transport'), null);
    assert.deepEqual(JSON.parse(baton.calls[1]!.body!), { refresh_token: 'rt-0' });
    assert.equal(stored, 'rt-1');
    await client.logout();
    assert.equal(stored, null);
  });

  it('login_WrongPassword_ThrowsBatonErrorWithCode', async () => {
    const client = new BatonClient({
      coordination: false,
      fetch: async () => new Response(JSON.stringify({ code: 'invalid_credentials', detail: 'nope' }), { status: 401 }),
    });

    await assert.rejects(client.login('alice', 'wrong'), (e: unknown) => e instanceof BatonError && e.code === 'invalid_credentials' && e.status === 401);
  });
});

describe('BatonClient proactive refresh', () => {
  it('proactiveRefresh_BeforeExpiry_WithLeadAndJitter_RefreshesOnce', async () => {
    const { baton, clock, tab } = browser();
    const client = tab({ refreshLeadSeconds: 60, refreshJitterSeconds: 10 });
    await client.login('alice', 'a long passphrase');

    // 900 s lifetime, 60 s lead, half of the 10 s jitter (random() = 0.5): due at 835 s.
    assert.deepEqual(clock.pending, [835_000]);
    await clock.advance(834_999);
    assert.equal(baton.refreshCalls, 0);
    await clock.advance(1);

    assert.equal(baton.refreshCalls, 1);
    assert.deepEqual(clock.pending, [835_000], 'the next one is scheduled from the new token');
  });

  it('proactiveRefresh_ShortLifetime_LeadAtMostAQuarter', async () => {
    const { baton, clock, tab } = browser();
    baton.lifetimeSeconds = 40;
    const client = tab({ refreshLeadSeconds: 60, refreshJitterSeconds: 10 });
    await client.login('alice', 'a long passphrase');

    // Lead min(60, 10) s, jitter 0.5 * min(10, 4) s.
    assert.deepEqual(clock.pending, [28_000]);
  });
});

describe('BatonClient across tabs', () => {
  it('refresh_ThreeTabsExpiredTogether_WithWebLocks_OneRotation_AllSucceed', async () => {
    const { baton, clock, tab } = browser();
    const tabs = [tab({ proactiveRefresh: false }), tab({ proactiveRefresh: false }), tab({ proactiveRefresh: false })];
    await tabs[0]!.login('alice', 'a long passphrase');
    await settle();
    assert.ok(tabs.every((t) => t.signedIn), 'the other tabs took the token');
    await clock.advance(901_000);

    const responses = await drive(clock, Promise.all(tabs.flatMap((t) => [t.fetch('/v1/me'), t.fetch('/v1/me'), t.fetch('/v1/me')])));

    assert.deepEqual(responses.map((r) => r.status), Array(9).fill(200));
    assert.equal(baton.refreshCalls, 1);
    assert.equal(baton.rotations, 1);
  });

  it('refresh_TwoTabsWithoutWebLocks_ClaimOverChannel_OneRotation', async () => {
    const { baton, clock, tab } = browser({ locks: false });
    const a = tab({ proactiveRefresh: false });
    const b = tab({ proactiveRefresh: false });
    await a.login('alice', 'a long passphrase');
    await settle();
    await clock.advance(901_000);

    const both = await drive(clock, Promise.all([a.fetch('/v1/me'), b.fetch('/v1/me')]));

    assert.deepEqual(both.map((r) => r.status), [200, 200]);
    assert.equal(baton.refreshCalls, 1);
  });

  it('storageFallback_NoChannel_NeverWritesATokenToLocalStorage_AndSerializesRefreshes', async () => {
    const { baton, clock, tab, storage } = browser({ locks: false, channel: false });
    const a = tab({ proactiveRefresh: false });
    const b = tab({ proactiveRefresh: false });
    await a.login('alice', 'a long passphrase');
    await settle();
    assert.equal(b.signedIn, false, 'storage cannot carry the token to the other tab');
    const restoring = b.restore();
    const refreshing = a.refresh();
    for (let i = 0; i < 20; i++) {
      await clock.advance(50);
    }

    assert.deepEqual(await Promise.all([restoring, refreshing]), [true, true]);
    assert.equal(baton.rotations, 2, 'one after the other, each with the current cookie');
    assert.ok(storage.written.length > 0, 'the claims went through storage');
    assert.ok(storage.written.every((v) => !v.includes('eyJ')), 'no token was ever written');
  });

  it('restore_AnotherTabHasAFreshToken_TakesIt_WithoutRefreshing', async () => {
    const { baton, tab } = browser();
    const first = tab();
    await first.login('alice', 'a long passphrase');
    await settle();

    const second = tab();
    assert.equal(await second.restore(), true);

    assert.equal(baton.refreshCalls, 0);
    assert.equal(second.signedIn, true);
  });

  it('restore_NoOtherTab_RefreshesByCookie', async () => {
    const { baton, clock, tab } = browser();
    const first = tab();
    await first.login('alice', 'a long passphrase');
    first.close();

    const second = tab();
    const restoring = second.restore();
    await clock.advance(250);

    assert.equal(await restoring, true);
    assert.equal(baton.refreshCalls, 1);
  });

  it('sessionEnded_InOneTab_EndsItInTheOthers_WithTheReason', async () => {
    const { baton, clock, tab } = browser();
    const a = tab({ proactiveRefresh: false });
    const b = tab({ proactiveRefresh: false });
    const endsOfB = endsOf(b);
    await a.login('alice', 'a long passphrase');
    await settle();
    baton.endSession('replaced');

    await drive(clock, a.fetch('/v1/me'));

    assert.equal(b.signedIn, false);
    assert.deepEqual(endsOfB.map((e) => e.reason), ['replaced']);
  });

  it('logout_InOneTab_SignsTheOthersOut', async () => {
    const { clock, tab } = browser();
    const a = tab({ proactiveRefresh: false });
    const b = tab({ proactiveRefresh: false });
    let signedOut = 0;
    b.addEventListener('signed-out', () => signedOut++);
    await a.login('alice', 'a long passphrase');
    await settle();

    await drive(clock, a.logout());

    assert.equal(b.signedIn, false);
    assert.equal(signedOut, 1);
  });
});

describe('BatonClient helpers', () => {
  it('helpers_CallTheDocumentedRoutes', async () => {
    const { baton, tab } = browser();
    const client = tab({ proactiveRefresh: false });
    await client.login('alice', 'a long passphrase');

    await client.me();
    await client.mySessions();
    await client.revokeMySession('s 1');
    await client.changePassword('old', 'new one here');
    await client.admin.user('u1');
    await client.admin.sessions('u1');
    await client.admin.kick('u1');
    await client.admin.revokeSession('u1', 's1');
    await client.admin.lock('u1');
    await client.admin.unlock('u1');
    await client.admin.deleteUser('u1');
    await client.admin.keys();
    await client.admin.rotateKeys();
    await client.logoutAll();

    assert.deepEqual(baton.calls.slice(1).map((c) => `${c.method} ${c.path}`), [
      'GET /v1/me',
      'GET /v1/me/sessions',
      'DELETE /v1/me/sessions/s%201',
      'POST /v1/me/password',
      'GET /v1/admin/users/u1',
      'GET /v1/admin/users/u1/sessions',
      'POST /v1/admin/users/u1/kick',
      'DELETE /v1/admin/users/u1/sessions/s1',
      'POST /v1/admin/users/u1/lock',
      'POST /v1/admin/users/u1/unlock',
      'DELETE /v1/admin/users/u1',
      'GET /v1/admin/keys',
      'POST /v1/admin/keys/rotate',
      'POST /v1/auth/logout-all',
    ]);
    assert.deepEqual(JSON.parse(baton.calls[4]!.body!), { current_password: 'old', new_password: 'new one here' });
    assert.equal(client.signedIn, false);
  });
});
