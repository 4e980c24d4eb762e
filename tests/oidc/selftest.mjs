// Self-test of provider.mjs: node --test selftest.mjs
//
// Starts the provider as a child process and drives it the way a server-side
// OIDC client does: plain fetch, redirects followed by hand, a cookie jar.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, beforeEach, test } from 'node:test';

import * as jose from 'jose';

const CLIENT = {
  client_id: 'lanyard-test',
  client_secret: 'lanyard-test-secret',
  // Never fetched: the flow stops when the provider redirects here.
  redirect_uris: ['http://127.0.0.1:9/auth/oidc/callback'],
};
const ALICE = { sub: 'alice', email: 'alice@example.org', email_verified: true, name: 'Alice Test' };
const BOB = { sub: 'bob', email: 'bob@example.org', email_verified: true, name: 'Bob Test' };

let child;
let issuer;
let controlUrl;
let discovery;
let jwks;

// --- helpers ---------------------------------------------------------------------

const b64url = (buf) => buf.toString('base64url');

async function control(path, body) {
  const res = await fetch(`${controlUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, body: await res.json() };
}

const setMode = async (mode) => assert.equal((await control('/mode', { mode })).status, 200);

// Minimal cookie jar: name + path, host-only, honours Max-Age/Expires deletion.
class CookieJar {
  #cookies = new Map(); // `${path}\n${name}` -> { name, value, path }

  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const cookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: '/' };
      let expired = false;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k.toLowerCase();
        if (key === 'path') cookie.path = v;
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      const id = `${cookie.path}\n${cookie.name}`;
      if (expired) this.#cookies.delete(id);
      else this.#cookies.set(id, cookie);
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return [...this.#cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

// One request with manual redirect handling and the jar's cookies.
async function request(jar, url, init = {}) {
  const res = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...init.headers, cookie: jar.header(url) },
    signal: AbortSignal.timeout(5000),
  });
  jar.store(res);
  return res;
}

function newAuthRequest({ loginHint, pkce = true } = {}) {
  const verifier = b64url(randomBytes(32));
  const params = {
    response_type: 'code',
    client_id: CLIENT.client_id,
    redirect_uri: CLIENT.redirect_uris[0],
    scope: 'openid email profile',
    state: b64url(randomBytes(16)),
    nonce: b64url(randomBytes(16)),
    ...(pkce ? { code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256' } : {}),
    ...(loginHint ? { login_hint: loginHint } : {}),
  };
  const url = `${discovery.authorization_endpoint}?${new URLSearchParams(params)}`;
  return { url, verifier, ...params };
}

// Follows redirects from `url` until the provider sends the browser back to
// the client's redirect_uri; returns that URL's query parameters, or the last
// non-redirect response if the flow stopped on a page (e.g. the login form).
async function follow(jar, url, init) {
  let res = await request(jar, url, init);
  for (let hops = 0; hops < 10; hops += 1) {
    if (![302, 303].includes(res.status)) return { res };
    const next = new URL(res.headers.get('location'), url);
    if (next.href.startsWith(CLIENT.redirect_uris[0])) return { callback: next.searchParams };
    url = next.href;
    res = await request(jar, url);
  }
  throw new Error('too many redirects');
}

async function authorize(opts, jar = new CookieJar()) {
  const auth = newAuthRequest(opts);
  const { callback, res } = await follow(jar, auth.url);
  if (!callback) assert.fail(`flow stopped at HTTP ${res.status}: ${await res.text()}`);
  return { auth, callback, jar };
}

async function redeem(auth, code, { method = 'basic' } = {}) {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: auth.redirect_uri,
    code_verifier: auth.verifier,
  });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (method === 'basic') {
    const creds = `${encodeURIComponent(CLIENT.client_id)}:${encodeURIComponent(CLIENT.client_secret)}`;
    headers.authorization = `Basic ${Buffer.from(creds).toString('base64')}`;
  } else {
    form.set('client_id', CLIENT.client_id);
    form.set('client_secret', CLIENT.client_secret);
  }
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST', headers, body: form, signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, body: await res.json() };
}

// Full flow: authorize as `sub`, check state, redeem the code.
async function login(sub = ALICE.sub, redeemOpts) {
  const { auth, callback } = await authorize({ loginHint: sub });
  assert.equal(callback.get('state'), auth.state);
  assert.equal(callback.get('iss'), issuer);
  const token = await redeem(auth, callback.get('code'), redeemOpts);
  return { auth, token };
}

const verifyIdToken = (idToken) => jose.jwtVerify(idToken, jwks, {
  issuer, audience: CLIENT.client_id, algorithms: ['RS256'],
});

// --- lifecycle -------------------------------------------------------------------

before(async () => {
  child = spawn(process.execPath, ['provider.mjs', '--port', '0'], {
    cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    once(child, 'exit').then(([code]) => { throw new Error(`provider exited early (${code})`); }),
  ]);
  ({ issuer, control: controlUrl } = JSON.parse(line));
  assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(controlUrl, `${issuer}/__control`);

  assert.equal((await control('/clients', CLIENT)).status, 201);
  assert.equal((await control('/users', ALICE)).status, 201);
  assert.equal((await control('/users', BOB)).status, 201);

  discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  jwks = jose.createRemoteJWKSet(new URL(discovery.jwks_uri));
});

beforeEach(() => setMode('normal'));

after(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

// --- normal operation ------------------------------------------------------------

test('health and discovery', async () => {
  assert.deepEqual(await control('/health'), { status: 200, body: { ok: true, mode: 'normal' } });
  assert.equal(discovery.issuer, issuer);
  assert.deepEqual(discovery.response_types_supported, ['code']);
  assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(discovery.id_token_signing_alg_values_supported, ['RS256']);
  const keys = await (await fetch(discovery.jwks_uri)).json();
  assert.equal(keys.keys.length, 1);
  assert.equal(keys.keys[0].kty, 'RSA');
  assert.equal(keys.keys[0].d, undefined, 'JWKS must not leak the private key');
});

test('authorization code + PKCE flow (client_secret_basic) yields a valid ID token', async () => {
  const { auth, token } = await login();
  assert.equal(token.status, 200, JSON.stringify(token.body));
  assert.equal(token.body.token_type, 'Bearer');
  const { payload, protectedHeader } = await verifyIdToken(token.body.id_token);
  assert.equal(protectedHeader.alg, 'RS256');
  assert.equal(payload.nonce, auth.nonce);
  assert.equal(payload.sub, ALICE.sub);
  assert.equal(payload.email, ALICE.email);
  assert.equal(payload.email_verified, true);
  assert.equal(payload.name, ALICE.name);

  // The access token works at userinfo too.
  const me = await fetch(discovery.userinfo_endpoint, {
    headers: { authorization: `Bearer ${token.body.access_token}` },
  });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).email, ALICE.email);
});

test('client_secret_post is accepted as well', async () => {
  const { auth, token } = await login(BOB.sub, { method: 'post' });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  const { payload } = await verifyIdToken(token.body.id_token);
  assert.equal(payload.sub, BOB.sub);
  assert.equal(payload.nonce, auth.nonce);
});

test('a code can be redeemed once, and only with its PKCE verifier', async () => {
  const { auth, callback } = await authorize({ loginHint: ALICE.sub });
  const wrong = await redeem({ ...auth, verifier: b64url(randomBytes(32)) }, callback.get('code'));
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, 'invalid_grant');
  // oidc-provider checks PKCE before consuming, so the right verifier still works once.
  assert.equal((await redeem(auth, callback.get('code'))).status, 200);
  const again = await redeem(auth, callback.get('code'));
  assert.equal(again.body.error, 'invalid_grant');
});

test('PKCE is required', async () => {
  const jar = new CookieJar();
  const { callback } = await follow(jar, newAuthRequest({ loginHint: ALICE.sub, pkce: false }).url);
  assert.equal(callback.get('error'), 'invalid_request');
  assert.match(callback.get("error_description"), /PKCE/);
});

test('without login_hint a form asks for the sub, and posting it logs in', async () => {
  const jar = new CookieJar();
  const auth = newAuthRequest();
  const { res } = await follow(jar, auth.url);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<input[^>]*name="sub"/);
  assert.match(html, /<button type="submit"/);
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)[1], issuer);

  const { callback } = await follow(jar, action.href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ sub: BOB.sub }),
  });
  assert.equal(callback.get('state'), auth.state);
  const token = await redeem(auth, callback.get('code'));
  assert.equal((await verifyIdToken(token.body.id_token)).payload.sub, BOB.sub);
});

test('an unknown login_hint shows the form with an error', async () => {
  const { res } = await follow(new CookieJar(), newAuthRequest({ loginHint: 'nobody' }).url);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /Unknown user: nobody/);
  assert.match(html, /<input[^>]*name="sub"/);
});

test('one cookie jar can switch users with login_hint; without it the session is reused', async () => {
  const jar = new CookieJar();
  const subs = [];
  for (const loginHint of [ALICE.sub, BOB.sub, undefined]) {
    const { auth, callback } = await authorize({ loginHint }, jar);
    const token = await redeem(auth, callback.get('code'));
    assert.equal(token.status, 200, `login_hint=${loginHint}: ${JSON.stringify(token.body)}`);
    subs.push((await verifyIdToken(token.body.id_token)).payload.sub);
  }
  assert.deepEqual(subs, [ALICE.sub, BOB.sub, BOB.sub]);
});

test('control API rejects bad input', async () => {
  assert.equal((await control('/mode', { mode: 'bogus' })).status, 400);
  assert.equal((await control('/users', { email: 'x@example.org' })).status, 400);
  assert.equal((await control('/clients', { client_id: 'x' })).status, 400);
});

// --- fault modes -----------------------------------------------------------------

test('foreign_key: ID token fails verification against the published JWKS', async () => {
  await setMode('foreign_key');
  const { auth, token } = await login();
  assert.equal(token.status, 200);
  await assert.rejects(verifyIdToken(token.body.id_token), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  // Everything but the signature is as usual, including the published kid.
  const published = (await (await fetch(discovery.jwks_uri)).json()).keys[0];
  assert.equal(jose.decodeProtectedHeader(token.body.id_token).kid, published.kid);
  const claims = jose.decodeJwt(token.body.id_token);
  assert.equal(claims.nonce, auth.nonce);
  assert.equal(claims.iss, issuer);
  assert.equal(claims.aud, CLIENT.client_id);
});

test('wrong_nonce: validly signed ID token with another nonce', async () => {
  await setMode('wrong_nonce');
  const { auth, token } = await login();
  assert.equal(token.status, 200);
  const { payload } = await verifyIdToken(token.body.id_token);
  assert.ok(payload.nonce);
  assert.notEqual(payload.nonce, auth.nonce);
  assert.equal(payload.sub, ALICE.sub);
});

test('expired_code: token endpoint answers invalid_grant', async () => {
  await setMode('expired_code');
  const { auth, callback } = await authorize({ loginHint: ALICE.sub });
  const token = await redeem(auth, callback.get('code'));
  assert.equal(token.status, 400);
  assert.deepEqual(token.body, { error: 'invalid_grant', error_description: 'grant request is invalid' });
  // Same answer as for a code oidc-provider never issued.
  await setMode('normal');
  const unknown = await redeem(auth, 'no-such-code');
  assert.deepEqual(unknown, token);
  // The stored code itself was never touched: back in normal mode it still works.
  assert.equal((await redeem(auth, callback.get('code'))).status, 200);
});

test('unverified_email: email_verified is false in a valid ID token', async () => {
  await setMode('unverified_email');
  const { token } = await login();
  const { payload } = await verifyIdToken(token.body.id_token);
  assert.equal(payload.email, ALICE.email);
  assert.equal(payload.email_verified, false);
});

test('down: provider endpoints hang, control still answers', async () => {
  await setMode('down');
  const started = Date.now();
  await assert.rejects(
    fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(1500) }),
    { name: 'TimeoutError' },
  );
  assert.ok(Date.now() - started < 2500);
  assert.deepEqual((await control('/health')).body, { ok: true, mode: 'down' });
  await setMode('normal');
  assert.equal((await fetch(`${issuer}/.well-known/openid-configuration`)).status, 200);
});

test('SIGTERM exits cleanly, even with a request held open by "down"', async () => {
  await setMode('down');
  const hanging = fetch(discovery.jwks_uri, { signal: AbortSignal.timeout(5000) }).catch((e) => e);
  await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGTERM');
  const [code, signal] = await once(child, 'exit');
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.ok((await hanging) instanceof Error);
});
