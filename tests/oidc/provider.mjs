// A real OpenID Connect provider (panva/oidc-provider) for Lanyard's end-to-end
// tests, with run-time clients/users and switchable fault modes.
//
//   node provider.mjs --port 0
//
// Prints one JSON line to stdout once listening:
//   {"issuer":"http://127.0.0.1:PORT","control":"http://127.0.0.1:PORT/__control"}
// and runs until SIGTERM/SIGINT. Everything else (oidc-provider notices, the
// request log of errors) goes to stderr. See README.md for the control API.

import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';

import * as jose from 'jose';
import Provider, { interactionPolicy } from 'oidc-provider';
// The stock in-memory store; subclassed below for the expired_code mode.
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

// oidc-provider prints its notices with console.info (stdout); stdout is
// reserved for the single "listening" line, so send them to stderr.
console.log = console.info = (...args) => console.error(...args);

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '0' } },
});

const MODES = new Set([
  'normal', 'foreign_key', 'wrong_nonce', 'expired_code', 'unverified_email', 'down',
]);
const SCOPE = 'openid email profile';
// Both keys use this kid: in foreign_key mode a client cannot tell the forged
// token apart by its header, only by verifying the signature.
const KID = 'lanyard-oidc-test';

const state = {
  mode: 'normal',
  users: new Map(), // sub -> { sub, email, email_verified, name }
};

const epochNow = () => Math.floor(Date.now() / 1000);

// --- keys: the published signing key, and a foreign one never published ----
const realKey = (await jose.generateKeyPair('RS256', { extractable: true })).privateKey;
const foreignKey = (await jose.generateKeyPair('RS256')).privateKey;
const realJwk = { ...(await jose.exportJWK(realKey)), kid: KID, alg: 'RS256', use: 'sig' };

// --- storage -----------------------------------------------------------------
// In expired_code mode, authorization codes are handed to oidc-provider with
// their exp moved into the past, as if the provider's clock had run past the
// code's lifetime. oidc-provider's own authorization_code grant then rejects
// the code ("authorization code is expired") and renders its own invalid_grant
// response. The stored code itself is untouched.
class FaultAdapter extends MemoryAdapter {
  async find(id) {
    const stored = await super.find(id);
    if (stored && this.model === 'AuthorizationCode' && state.mode === 'expired_code') {
      return { ...stored, exp: epochNow() - 1 };
    }
    return stored;
  }
}

// --- interaction policy ----------------------------------------------------------
// A login_hint naming someone other than the signed-in user forces a new login,
// so one browser (or cookie jar) can sign in as several test users in turn.
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'login_hint_mismatch',
  'login_hint names a different End-User',
  (ctx) => {
    const hint = ctx.oidc.params.login_hint;
    return hint !== undefined && hint !== ctx.oidc.session.accountId
      ? interactionPolicy.Check.REQUEST_PROMPT
      : interactionPolicy.Check.NO_NEED_TO_PROMPT;
  },
));

// Consent is granted automatically for the standard scopes (the documented
// "skip consent" pattern), so a login is the only interaction.
async function loadExistingGrant(ctx) {
  const { Grant } = ctx.oidc.provider;
  const accountId = ctx.oidc.session.accountId;
  const clientId = ctx.oidc.client.clientId;
  const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(clientId);
  if (grantId) {
    const grant = await Grant.find(grantId);
    if (grant?.accountId === accountId) return grant;
  }
  const grant = new Grant({ accountId, clientId });
  grant.addOIDCScope(SCOPE);
  await grant.save();
  return grant;
}

async function findAccount(_ctx, sub) {
  const user = state.users.get(sub);
  if (!user) return undefined;
  return {
    accountId: sub,
    claims: async () => ({
      sub,
      email: user.email,
      email_verified: state.mode === 'unverified_email' ? false : user.email_verified,
      name: user.name,
    }),
  };
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`
    + `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

// Error page without external resources (the default one loads web fonts).
async function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.body = page('OIDC error', `<pre id="error">${escapeHtml(JSON.stringify(out, null, 2))}</pre>`);
}

// --- HTTP server; the issuer needs the port, so listen first -------------------
const server = http.createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(args.port), '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  adapter: FaultAdapter,
  jwks: { keys: [realJwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // Put the scope-requested claims (email, name, ...) in the ID token itself.
  conformIdTokenClaims: false,
  enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
  responseTypes: ['code'],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  pkce: { required: () => true }, // oidc-provider only implements S256
  features: { devInteractions: { enabled: false } },
  interactions: {
    policy,
    url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  loadExistingGrant,
  findAccount,
  renderError,
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    Grant: 3600,
    Interaction: 600,
    Session: 3600,
  },
});

// Errors a test may want to see, on stderr.
for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'server_error']) {
  provider.on(event, (_ctx, err) => {
    console.error(`[oidc] ${event}: ${err.error ?? err.name}: ${err.error_detail ?? err.message}`);
  });
}

// Token endpoint post-processing for the ID-token fault modes: decode the ID
// token oidc-provider issued, change what the mode asks for, re-sign.
async function resign(idToken, overrides, key) {
  const header = jose.decodeProtectedHeader(idToken);
  const claims = { ...jose.decodeJwt(idToken), ...overrides };
  return new jose.SignJWT(claims).setProtectedHeader(header).sign(key);
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route !== 'token' || ctx.status !== 200 || !ctx.body?.id_token) return;
  if (state.mode === 'foreign_key') {
    ctx.body.id_token = await resign(ctx.body.id_token, {}, foreignKey);
  } else if (state.mode === 'wrong_nonce') {
    ctx.body.id_token = await resign(ctx.body.id_token, { nonce: `wrong-${randomUUID()}` }, realKey);
  }
});

const oidcHandler = provider.callback();

// --- small HTTP helpers --------------------------------------------------------
async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, body, type = 'application/json') {
  const text = type === 'application/json' ? JSON.stringify(body) : body;
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

// --- control API -----------------------------------------------------------------
const isStringArray = (v) => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string');

async function control(req, res, path) {
  const route = `${req.method} ${path}`;
  if (route === 'GET /__control/health') return send(res, 200, { ok: true, mode: state.mode });
  if (route === 'GET /__control/mode') return send(res, 200, { mode: state.mode });
  if (req.method !== 'POST') return send(res, 404, { error: 'not_found' });

  let body;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return send(res, 400, { error: 'invalid_json' });
  }
  if (body === null || typeof body !== 'object') return send(res, 400, { error: 'invalid_json' });

  switch (path) {
    case '/__control/mode': {
      if (!MODES.has(body.mode)) {
        return send(res, 400, { error: 'unknown_mode', modes: [...MODES] });
      }
      state.mode = body.mode;
      console.error(`[control] mode=${state.mode}`);
      return send(res, 200, { mode: state.mode });
    }
    case '/__control/users': {
      const { sub, email, email_verified: emailVerified = true, name } = body;
      if (typeof sub !== 'string' || !sub || typeof email !== 'string'
        || typeof emailVerified !== 'boolean' || (name !== undefined && typeof name !== 'string')) {
        return send(res, 400, { error: 'invalid_user', expected: '{sub, email, email_verified, name}' });
      }
      const user = { sub, email, email_verified: emailVerified, name: name ?? sub };
      state.users.set(sub, user);
      return send(res, 201, user);
    }
    case '/__control/clients': {
      const {
        client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris,
        token_endpoint_auth_method: authMethod = 'client_secret_basic',
      } = body;
      if (typeof clientId !== 'string' || !clientId || typeof clientSecret !== 'string'
        || !clientSecret || !isStringArray(redirectUris)
        || !['client_secret_basic', 'client_secret_post'].includes(authMethod)) {
        return send(res, 400, {
          error: 'invalid_client_metadata',
          expected: '{client_id, client_secret, redirect_uris:[...], token_endpoint_auth_method?}',
        });
      }
      const metadata = {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        // Either secret method is accepted at the token endpoint (oidc-provider
        // treats client_secret_basic and client_secret_post as interchangeable).
        token_endpoint_auth_method: authMethod,
        id_token_signed_response_alg: 'RS256',
      };
      try {
        await provider.Client.validate(metadata);
      } catch (err) {
        return send(res, 400, { error: err.error ?? 'invalid_client_metadata', error_description: err.error_description ?? err.message });
      }
      // Dynamic clients live in the adapter and are (re)read on every use.
      await provider.Client.adapter.upsert(clientId, metadata);
      return send(res, 201, { client_id: clientId, redirect_uris: redirectUris, token_endpoint_auth_method: authMethod });
    }
    default:
      return send(res, 404, { error: 'not_found' });
  }
}

// --- login interaction ---------------------------------------------------------
function loginForm(uid, error) {
  return page('Sign in', `${error ? `<p id="error">${escapeHtml(error)}</p>` : ''}`
    + `<form method="post" action="/interaction/${escapeHtml(uid)}">`
    + '<label>Subject <input type="text" name="sub" autofocus required></label> '
    + '<button type="submit">Sign in</button></form>');
}

async function interaction(req, res, uid) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    return send(res, 400, page('Interaction error', `<p>${escapeHtml(err.message)}</p>`), 'text/html');
  }
  if (details.uid !== uid) {
    return send(res, 400, page('Interaction error', '<p>interaction mismatch</p>'), 'text/html');
  }
  const { prompt, params, session } = details;

  // Only reached if a client asks for more than the auto-granted scopes:
  // grant whatever is missing, as a consenting user would.
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } });
  }

  // prompt "login": the subject comes from the form post, else from login_hint.
  let sub = params.login_hint;
  if (req.method === 'POST') {
    sub = new URLSearchParams(await readBody(req)).get('sub')?.trim();
  }
  if (!sub) return send(res, 200, loginForm(uid), 'text/html');
  if (!state.users.has(sub)) return send(res, 200, loginForm(uid, `Unknown user: ${sub}`), 'text/html');

  // Switching to another user: end the old provider session here. Otherwise
  // oidc-provider answers the resume with an auto-submitting logout form,
  // which a plain HTTP client would have to post.
  if (session?.accountId && session.accountId !== sub) {
    await (await provider.Session.findByUid(session.uid))?.destroy();
    delete details.session;
    await details.save(details.exp - epochNow());
  }

  return provider.interactionFinished(
    req,
    res,
    { login: { accountId: sub } },
    { mergeWithLastSubmission: false },
  );
}

// --- dispatch --------------------------------------------------------------------
server.on('request', async (req, res) => {
  const { pathname } = new URL(req.url, issuer);
  try {
    if (pathname === '/__control' || pathname.startsWith('/__control/')) {
      return await control(req, res, pathname);
    }
    // "down": accept the connection, never answer. The request stays open
    // until the client gives up or the provider exits.
    if (state.mode === 'down') return undefined;

    const match = /^\/interaction\/([^/]+)$/.exec(pathname);
    if (match && ['GET', 'POST'].includes(req.method)) return await interaction(req, res, match[1]);
    return oidcHandler(req, res);
  } catch (err) {
    console.error(`[provider] ${req.method} ${pathname}:`, err);
    if (!res.headersSent) send(res, err.status ?? 500, { error: 'server_error', message: err.message });
    return undefined;
  }
});

function shutdown(signal) {
  console.error(`[provider] ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections(); // includes requests held open by "down"
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

process.stdout.write(`${JSON.stringify({ issuer, control: `${issuer}/__control` })}\n`);
