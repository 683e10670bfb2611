// Built from clients/js by `npm run build:console`; edit the TypeScript there, not this file.
// Baton's console: the account page for everyone and the admin page for the admin role, on the
// JavaScript client in cookie mode (the refresh token never reaches this script). No inline
// script or style anywhere, so the page runs under a CSP of 'self' only. Sign-in through an
// external provider comes back here with a one-time ?code=, exchanged in cookie mode.
import { BatonClient, BatonError } from '../src/index.js';
const client = new BatonClient({ transport: 'cookie' });
let me = null;
let shownUser = null;
let watch = null;
/** Display names of the enabled providers, by name, once `providersShown` settles. */
const providerNames = new Map();
let providersShown = Promise.resolve();
/** How often the page asks whether its session still lives, so a kick shows within a second. */
const WATCH_MS = 500;
const REASONS = {
    replaced: 'You were signed out because you signed in on another device.',
    kicked: 'An administrator signed you out.',
    account_locked: 'You were signed out because the account was locked.',
    account_deleted: 'You were signed out because the account was deleted.',
    reuse_detected: 'This session was ended because an old sign-in token was used again, which can mean it was stolen. Sign in again, and change your password if this was not you.',
    expired: 'Your session expired.',
    password_changed: 'You were signed out because the password was changed.',
    revoked: 'This session was signed out from another session.',
    logout: 'You signed out.',
};
const CODES = {
    refresh_token_reused: REASONS.reuse_detected,
    token_expired: REASONS.expired,
    invalid_token: 'Your sign-in is no longer valid.',
};
function $(id) {
    const element = document.getElementById(id);
    if (!element) {
        throw new Error(`#${id} is missing`);
    }
    return element;
}
function show(id, visible) {
    $(id).hidden = !visible;
}
function status(text, error = false) {
    const box = $('status');
    box.textContent = text;
    box.classList.toggle('error', error);
    box.hidden = false;
}
function describe(error) {
    if (error instanceof BatonError) {
        const fields = error.problem.errors ? ` ${Object.entries(error.problem.errors).map(([k, v]) => `${k}: ${v.join(' ')}`).join('; ')}` : '';
        return `${error.message}${fields} (${error.code})`;
    }
    return error instanceof Error ? error.message : String(error);
}
function when(iso) {
    return iso ? new Date(iso).toLocaleString() : '';
}
function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text;
    if (className) {
        td.className = className;
    }
    return td;
}
function button(label, accessibleName, onClick, danger = true) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.setAttribute('aria-label', accessibleName);
    if (danger) {
        b.className = 'danger';
    }
    b.addEventListener('click', onClick);
    return b;
}
function deviceOf(s) {
    return s.device.name ? `${s.device.name} (${s.device.type})` : s.device.type;
}
/** Every action is confirmed in a modal dialog (keyboard: Enter confirms, Escape cancels). */
function confirmAction(text) {
    const dialog = $('confirm');
    $('confirm-text').textContent = text;
    dialog.returnValue = '';
    dialog.showModal();
    $('confirm-ok').focus();
    return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}
async function act(question, work) {
    if (!(await confirmAction(question))) {
        status('Cancelled.');
        return;
    }
    try {
        status(await work());
    }
    catch (error) {
        status(describe(error), true);
    }
}
function route() {
    const admin = location.hash === '#admin' && me?.roles.includes('admin') === true;
    show('account', me !== null && !admin);
    show('admin', me !== null && admin);
    $('nav-account').toggleAttribute('aria-current', !admin);
    $('nav-admin').toggleAttribute('aria-current', admin);
    if (admin) {
        $('nav-admin').setAttribute('aria-current', 'page');
        void loadKeys();
    }
    else {
        $('nav-account').setAttribute('aria-current', 'page');
    }
}
function signedOutView() {
    me = null;
    shownUser = null;
    if (watch !== null) {
        clearInterval(watch);
        watch = null;
    }
    show('nav', false);
    show('who', false);
    show('account', false);
    show('admin', false);
    show('sign-in', true);
}
function showEnded(end) {
    $('ended-text').textContent = (end.reason ? REASONS[end.reason] : CODES[end.code]) ?? end.detail ?? 'Sign in again.';
    $('ended-reason').textContent = end.reason ?? end.code;
    show('ended', true);
    show('status', false);
    signedOutView();
}
async function signedInView() {
    me = await client.me();
    show('ended', false);
    show('sign-in', false);
    show('nav', true);
    show('who', true);
    $('who-name').textContent = me.username ?? me.id;
    show('nav-admin', me.roles.includes('admin'));
    route();
    await Promise.all([loadMySessions(), loadSignInWays()]);
    if (watch === null) {
        watch = setInterval(() => {
            if (document.visibilityState === 'visible' && client.signedIn) {
                // A 401 here raises session-ended with Baton's reason.
                void client.fetch('/v1/me').catch(() => undefined);
            }
        }, WATCH_MS);
    }
}
/** An account made by an external sign-in has no password: no password form, and a line saying how it signs in. */
async function loadSignInWays() {
    const [ways] = await Promise.all([client.myIdentities().catch(() => null), providersShown]);
    const names = (ways?.identities ?? []).map((i) => {
        const provider = providerNames.get(i.provider) ?? i.provider;
        return i.username ? `${provider} (${i.username})` : provider;
    });
    show('password-section', ways?.has_password !== false);
    const line = $('sign-in-ways');
    line.textContent = ways?.has_password === false
        ? `This account has no password; it signs in with ${names.join(', ')}.`
        : names.length ? `You can also sign in with ${names.join(', ')}.` : '';
    line.hidden = line.textContent === '';
}
async function loadMySessions() {
    const sessions = await client.mySessions();
    const body = $('my-sessions').tBodies[0];
    body.replaceChildren();
    for (const s of sessions) {
        const row = body.insertRow();
        row.classList.toggle('current', s.current);
        cell(row, deviceOf(s));
        cell(row, s.ip_address ?? '');
        cell(row, s.user_agent ?? '', 'agent');
        cell(row, when(s.created_at));
        cell(row, when(s.last_refreshed_at));
        const actions = row.insertCell();
        if (!s.current) {
            actions.append(button('Sign out', `Sign out ${deviceOf(s)}`, () => void act(`Sign out the session on ${deviceOf(s)}?`, async () => {
                await client.revokeMySession(s.session_id);
                await loadMySessions();
                return `Signed out ${deviceOf(s)}.`;
            })));
        }
    }
}
/** A user by username, else by id (a username is tried first; an id is 22 random characters no one picks as a name). */
async function findUser(query) {
    try {
        return await client.admin.userByName(query);
    }
    catch (error) {
        if (error instanceof BatonError && (error.status === 404 || error.status === 400)) {
            return client.admin.user(query);
        }
        throw error;
    }
}
async function loadUser(userId, found) {
    const [user, sessions] = await Promise.all([found ?? client.admin.user(userId), client.admin.sessions(userId)]);
    shownUser = userId;
    renderUser(user);
    const body = $('user-sessions').tBodies[0];
    body.replaceChildren();
    for (const s of sessions) {
        const row = body.insertRow();
        row.classList.toggle('ended', s.state === 'ended');
        cell(row, deviceOf(s));
        cell(row, s.ip_address ?? '');
        cell(row, s.user_agent ?? '', 'agent');
        cell(row, when(s.created_at));
        cell(row, when(s.last_refreshed_at));
        cell(row, s.state === 'ended' ? `ended: ${s.end_reason ?? ''} ${when(s.ended_at)}` : 'active');
        const actions = row.insertCell();
        if (s.state === 'active') {
            actions.append(button('Revoke', `Revoke the session on ${deviceOf(s)}`, () => void act(`Revoke the session on ${deviceOf(s)}?`, async () => {
                await client.admin.revokeSession(userId, s.session_id);
                await loadUser(userId);
                return `Revoked the session on ${deviceOf(s)}.`;
            })));
        }
    }
    show('user', true);
}
function renderUser(user) {
    $('user-title').textContent = user.username ?? '(no local account)';
    $('user-id').textContent = user.user_id;
    $('user-status').textContent = user.status + (user.locked_out_until ? `, locked out until ${when(user.locked_out_until)}` : '');
    $('user-roles').textContent = user.roles.length ? user.roles.join(', ') : 'none';
    $('user-failed').textContent = String(user.failed_logins);
    $('user-active').textContent = String(user.active_sessions);
}
async function loadKeys() {
    try {
        const keys = await client.admin.keys();
        const body = $('keys').tBodies[0];
        body.replaceChildren();
        for (const k of keys) {
            const row = body.insertRow();
            cell(row, k.kid);
            cell(row, k.purpose);
            cell(row, k.algorithm);
            cell(row, k.state);
            cell(row, when(k.activates_at));
            cell(row, when(k.retires_at));
        }
    }
    catch (error) {
        status(describe(error), true);
    }
}
function adminAction(id, question, work) {
    $(id).addEventListener('click', () => {
        const user = shownUser;
        if (user !== null) {
            void act(question(user), async () => {
                const result = await work(user);
                await loadUser(user).catch(() => show('user', false));
                return result;
            });
        }
    });
}
function wire() {
    client.addEventListener('session-ended', (e) => showEnded(e.detail));
    client.addEventListener('signed-out', () => {
        signedOutView();
        status('You signed out.');
    });
    window.addEventListener('hashchange', route);
    $('sign-in-form').addEventListener('submit', (e) => {
        e.preventDefault();
        const error = $('sign-in-error');
        error.hidden = true;
        const name = $('device-name').value.trim();
        client.login($('username').value, $('password').value, { type: 'web', ...(name ? { name } : {}) })
            .then(() => {
            $('password').value = '';
            show('status', false);
            return signedInView();
        })
            .catch((err) => {
            error.textContent = describe(err);
            error.hidden = false;
        });
    });
    $('sign-out').addEventListener('click', () => void client.logout().catch((err) => status(describe(err), true)));
    $('sign-out-all').addEventListener('click', () => void act('Sign out every session of yours, this one included?', async () => {
        await client.logoutAll();
        return 'Signed out everywhere.';
    }));
    $('reload').addEventListener('click', () => void loadMySessions().catch((err) => status(describe(err), true)));
    $('password-form').addEventListener('submit', (e) => {
        e.preventDefault();
        void act('Change your password? Every other session of yours ends.', async () => {
            await client.changePassword($('current-password').value, $('new-password').value);
            $('current-password').value = '';
            $('new-password').value = '';
            await loadMySessions();
            return 'Password changed; your other sessions ended.';
        });
    });
    $('find-form').addEventListener('submit', (e) => {
        e.preventDefault();
        const query = $('find-id').value.trim();
        findUser(query).then((user) => loadUser(user.user_id, user)).then(() => show('status', false)).catch((err) => {
            show('user', false);
            status(describe(err), true);
        });
    });
    adminAction('kick', (u) => `Kick ${u}? Every session of the user ends at once.`, async (u) => `Kicked: ${(await client.admin.kick(u)).ended} session(s) ended.`);
    adminAction('lock', (u) => `Lock ${u}? Every session ends and sign-in is refused until unlocked.`, async (u) => `Locked: ${(await client.admin.lock(u)).ended} session(s) ended.`);
    adminAction('unlock', (u) => `Unlock ${u}?`, async (u) => {
        await client.admin.unlock(u);
        return 'Unlocked.';
    });
    adminAction('delete', (u) => `Delete ${u}? Every session ends and the account is deleted for good.`, async (u) => {
        await client.admin.deleteUser(u);
        return 'Deleted.';
    });
    $('rotate').addEventListener('click', () => void act('Rotate the signing keys now? New keys sign after the activation delay.', async () => {
        await client.admin.rotateKeys();
        await loadKeys();
        return 'Keys rotated: the new keys are published and sign after the activation delay.';
    }));
}
/** This page's address without query or fragment: where an external sign-in comes back to (it must be in Baton:External:ReturnUrls). */
function consoleUrl() {
    return location.origin + location.pathname;
}
/** A link per enabled provider; the device name typed by then goes along. */
async function showProviders() {
    let providers;
    try {
        providers = await client.externalProviders();
    }
    catch {
        return; // An older Baton, or none configured: the password form alone.
    }
    const list = $('external-providers');
    list.replaceChildren();
    for (const p of providers) {
        providerNames.set(p.name, p.display_name);
        const link = document.createElement('a');
        link.className = 'button';
        link.textContent = `Sign in with ${p.display_name}`;
        const target = () => {
            const name = $('device-name').value.trim();
            return client.externalSignInUrl(p.name, consoleUrl(), { type: 'web', ...(name ? { name } : {}) });
        };
        link.href = target();
        link.addEventListener('click', () => {
            link.href = target();
        });
        list.append(link);
    }
    show('external', providers.length > 0);
}
/** The one-time code an external sign-in brought back, taken out of the address bar (and history) at once. */
function takeCode() {
    const params = new URLSearchParams(location.search);
    const code = params.get('code');
    if (code !== null) {
        params.delete('code');
        const rest = params.toString();
        history.replaceState(history.state, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
    }
    return code;
}
async function start() {
    wire();
    providersShown = showProviders();
    const code = takeCode();
    try {
        if (code !== null) {
            await client.exchangeExternalCode(code);
            await signedInView();
            return;
        }
        if (await client.restore()) {
            await signedInView();
            return;
        }
    }
    catch (error) {
        status(describe(error), true);
    }
    if (!client.lastEnd) {
        signedOutView();
    }
}
void start();
