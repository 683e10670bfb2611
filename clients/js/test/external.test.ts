import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatonClient, BatonError, type BatonClientOptions } from '../src/index.js';
import { FakeBaton, FakeClock } from './fakes.js';

function client(extra: BatonClientOptions = {}): { baton: FakeBaton; client: BatonClient } {
  const baton = new FakeBaton(new FakeClock());
  return { baton, client: new BatonClient({ fetch: baton.fetch, coordination: false, proactiveRefresh: false, ...extra }) };
}

describe('BatonClient external sign-in', () => {
  it('externalProviders_AnswersBatonsList_WithoutAToken', async () => {
    const { baton, client: c } = client();
    baton.externalProviders = [{ name: 'gitee', display_name: 'Gitee' }, { name: 'corp', display_name: 'Corp SSO' }];

    const providers = await c.externalProviders();

    assert.deepEqual(providers, baton.externalProviders);
    assert.equal(baton.calls[0]!.method, 'GET');
    assert.equal(baton.calls[0]!.path, '/v1/auth/external');
    assert.equal(baton.calls[0]!.headers.get('Authorization'), null);
  });

  it('externalSignInUrl_EncodesProviderReturnToAndDevice', () => {
    const { client: c } = client({ baseUrl: 'https://auth.example/' });

    const url = new URL(c.externalSignInUrl('corp-sso', 'https://app.example/console/?tab=a&b', { type: 'web', name: 'My laptop' }));

    assert.equal(url.origin + url.pathname, 'https://auth.example/v1/auth/external/corp-sso');
    assert.equal(url.searchParams.get('return_to'), 'https://app.example/console/?tab=a&b');
    assert.equal(url.searchParams.get('device_type'), 'web');
    assert.equal(url.searchParams.get('device_name'), 'My laptop');
    assert.equal(url.searchParams.has('device_id'), false);
  });

  it('exchangeExternalCode_CookieMode_AsksForTheCookie_AndTheRefreshTokenNeverReachesScript', async () => {
    const { baton, client: c } = client({ transport: 'cookie' });
    baton.externalCodes.add('one-time');

    const pair = await c.exchangeExternalCode('one-time');

    const call = baton.calls[0]!;
    assert.equal(`${call.method} ${call.path}`, 'POST /v1/auth/external/exchange');
    assert.deepEqual(JSON.parse(call.body!), { code: 'one-time' });
    assert.equal(call.headers.get('X-Baton-Transport'), 'cookie');
    assert.equal(call.credentials, 'include');
    assert.equal(pair.refresh_token, undefined);
    assert.equal(c.signedIn, true);
    // The session lives on in the cookie: a refresh by cookie works.
    assert.equal(await c.refresh(), true);
    assert.equal(baton.rotations, 1);
  });

  it('exchangeExternalCode_CodeAlreadyUsed_ThrowsInvalidCode_AndStaysSignedOut', async () => {
    const { baton, client: c } = client({ transport: 'cookie' });
    baton.externalCodes.add('one-time');
    await c.exchangeExternalCode('one-time');
    const second = new BatonClient({ fetch: baton.fetch, coordination: false, proactiveRefresh: false });

    const error = await second.exchangeExternalCode('one-time').catch((e: unknown) => e);

    assert.ok(error instanceof BatonError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'invalid_code');
    assert.equal(second.signedIn, false);
  });
});

describe('BatonClient identities', () => {
  it('myIdentities_CallsMeIdentities_WithTheToken', async () => {
    const { baton, client: c } = client();
    await c.login('alice', 'a long passphrase');

    await c.myIdentities();

    const call = baton.calls[1]!;
    assert.equal(`${call.method} ${call.path}`, 'GET /v1/me/identities');
    assert.match(call.headers.get('Authorization') ?? '', /^Bearer /);
  });
});

describe('BatonClient admin helpers', () => {
  it('adminUserByName_CallsTheUsernameQuery_Encoded', async () => {
    const { baton, client: c } = client();
    await c.login('admin', 'a long passphrase');

    await c.admin.userByName('al ice+1&x=y');

    const call = baton.calls[1]!;
    assert.equal(`${call.method} ${call.path}`, 'GET /v1/admin/users');
    assert.equal(new URLSearchParams(call.search).get('username'), 'al ice+1&x=y');
    assert.equal(new URLSearchParams(call.search).size, 1);
    assert.match(call.headers.get('Authorization') ?? '', /^Bearer /);
  });
});
