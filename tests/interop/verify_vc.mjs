#!/usr/bin/env node
// Verifies an Open Badges 3.0 credential with the Digital Bazaar stack:
// @digitalbazaar/vc verifyCredential + DataIntegrityProof + eddsa-rdfc-2022,
// JSON-LD in safe mode (every term must be defined by the bundled contexts),
// and checks its credentialStatus:
//   BitstringStatusListEntry -> @digitalbazaar/vc-bitstring-status-list (the status
//                               list credential is fetched, its own proof verified,
//                               its issuer matched, the GZIP'd bitstring decoded);
//   1EdTechRevocationList    -> the list at credentialStatus.id is fetched and the
//                               credential id looked up in revokedCredentials[].id.
// Only the server under test is ever contacted (see lib/loader.mjs).
//
// CLI:
//   node verify_vc.mjs [--allow-origin ORIGIN]... (FILE.json | URL | -)
// A URL is fetched with Accept: application/vc+ld+json; its origin is allowed
// implicitly. Prints one JSON object (see `verifyOb3` below); exit status 0 when
// `verified` (proof valid, every status entry checked, none revoked), 1 when not,
// 2 on a usage or input error.
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus as checkBitstringStatus} from '@digitalbazaar/vc-bitstring-status-list';
import jsonld from 'jsonld';
import {makeDocumentLoader} from './lib/loader.mjs';

const BITSTRING = 'BitstringStatusListEntry';
const REVOCATION_LIST = '1EdTechRevocationList';

function errorText(e) {
  if (!e) return null;
  const parts = [];
  let cur = e;
  const seen = new Set();
  while (cur && !seen.has(cur)) {
    seen.add(cur);
    if (Array.isArray(cur.errors) && cur.errors.length) {
      parts.push(cur.errors.map(x => errorText(x)).join('; '));
      break;
    }
    parts.push(cur.message || String(cur));
    if (cur.details && cur.details.event) {
      const ev = cur.details.event;
      parts.push(`${ev.code || ''} ${ev.details ? JSON.stringify(ev.details) : ''}`.trim());
    }
    cur = cur.cause;
  }
  return parts.filter(Boolean).join(' <- ');
}

function asList(v) {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function typesOf(entry) {
  return asList(entry && entry.type);
}

/** The 1EdTechRevocationList check: GET the list, look for the credential id. */
async function checkRevocationList({credential, entry, documentLoader}) {
  const listUrl = entry.id;
  if (typeof listUrl !== 'string' || !listUrl) {
    throw new Error(`${REVOCATION_LIST} entry has no "id" (the list URL)`);
  }
  const {document: list} = await documentLoader(listUrl);
  if (!list || !Array.isArray(list.revokedCredentials)) {
    throw new Error(`revocation list ${listUrl} has no "revokedCredentials" array`);
  }
  const hit = list.revokedCredentials.find(r => r && (r.id === credential.id || r === credential.id));
  return {
    type: REVOCATION_LIST,
    list: listUrl,
    revoked: Boolean(hit),
    revocationReason: hit && hit.revocationReason ? hit.revocationReason : undefined,
    listEntries: list.revokedCredentials.length,
  };
}

/**
 * The checkStatus function handed to vc.verifyCredential. It records one entry
 * per credentialStatus item in `statusReport` and says verified only if every
 * item could be checked and none is revoked/suspended.
 */
function makeCheckStatus({suite, documentLoader, statusReport}) {
  return async function checkStatus({credential}) {
    const entries = asList(credential.credentialStatus);
    let allChecked = entries.length > 0;
    let anyRevoked = false;

    if (entries.some(e => typesOf(e).includes(BITSTRING))) {
      const r = await checkBitstringStatus({
        credential,
        documentLoader,
        suite,
        verifyBitstringStatusListCredential: true,
        verifyMatchingIssuers: true,
      });
      if (!r.verified) {
        allChecked = false;
        statusReport.push({type: BITSTRING, checked: false, error: errorText(r.error) || 'status check failed'});
      } else {
        for (const res of r.results) {
          const cs = res.credentialStatus;
          const revoked = Boolean(res.status) && ['revocation', 'suspension'].includes(cs.statusPurpose);
          if (revoked) anyRevoked = true;
          statusReport.push({
            type: BITSTRING,
            checked: true,
            statusPurpose: cs.statusPurpose,
            statusListCredential: cs.statusListCredential,
            statusListIndex: cs.statusListIndex,
            bit: Boolean(res.status),
            revoked,
          });
        }
      }
    }

    for (const entry of entries) {
      const types = typesOf(entry);
      if (types.includes(BITSTRING)) continue;
      if (types.includes(REVOCATION_LIST)) {
        try {
          const r = await checkRevocationList({credential, entry, documentLoader});
          if (r.revoked) anyRevoked = true;
          statusReport.push({...r, checked: true});
        } catch (e) {
          allChecked = false;
          statusReport.push({type: REVOCATION_LIST, checked: false, error: errorText(e)});
        }
        continue;
      }
      allChecked = false;
      statusReport.push({type: types.join(',') || '(none)', checked: false, error: 'unsupported credentialStatus type'});
    }
    return {verified: allChecked && !anyRevoked, revoked: anyRevoked, allChecked};
  };
}

/**
 * Verifies `credential` (an object). Returns
 *   {verified, proofVerified, safeModeExpansion: {ok, error}, status: {present,
 *    checked, revoked, entries: [...]}, error, fetched: [...]}
 */
export async function verifyOb3({credential, allowedOrigins, now}) {
  const fetched = [];
  const documentLoader = makeDocumentLoader({allowedOrigins, log: fetched});
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  const out = {
    verified: false,
    proofVerified: false,
    safeModeExpansion: {ok: false, error: null},
    status: {present: Boolean(credential && credential.credentialStatus), checked: false, revoked: false, entries: []},
    error: null,
    fetched,
  };

  // The cryptosuite canonizes in safe mode already; expanding here first gives
  // a clearer message when a term or IRI is what is wrong.
  try {
    await jsonld.expand(structuredClone(credential), {documentLoader, safe: true, base: null});
    out.safeModeExpansion.ok = true;
  } catch (e) {
    out.safeModeExpansion.error = errorText(e);
  }

  const statusReport = out.status.entries;
  let statusResult;
  const checkStatus = makeCheckStatus({suite, documentLoader, statusReport});
  const result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    checkStatus: async opts => (statusResult = await checkStatus(opts)),
    ...(now ? {now} : {}),
  });

  const proofResults = result.results || [];
  // vc.verifyCredential calls checkStatus only once the proof has verified.
  out.proofVerified = out.status.present ? statusResult !== undefined : Boolean(result.verified);
  if (statusResult) {
    out.status.checked = statusResult.allChecked;
    out.status.revoked = statusResult.revoked;
  }
  out.verified = Boolean(result.verified) && out.safeModeExpansion.ok;
  if (!out.verified) {
    if (!out.proofVerified) {
      out.error = errorText(result.error) ||
        proofResults.map(r => errorText(r.error)).filter(Boolean).join('; ') || 'not verified';
    } else if (!out.safeModeExpansion.ok) {
      out.error = `safe-mode expansion failed: ${out.safeModeExpansion.error}`;
    } else if (out.status.revoked) {
      out.error = 'credential is revoked: ' + statusReport.filter(s => s.revoked).map(s => s.type).join(', ');
    } else {
      out.error = 'status not verified: ' + statusReport.filter(s => !s.checked).map(s => `${s.type}: ${s.error}`).join('; ');
    }
  }
  return out;
}

async function main(argv) {
  const allowedOrigins = [];
  let input = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--allow-origin') allowedOrigins.push(argv[++i]);
    else if (a === '-h' || a === '--help') {
      console.log('usage: node verify_vc.mjs [--allow-origin ORIGIN]... (FILE.json | URL | -)');
      return 0;
    } else if (input === null) input = a;
    else {
      console.error(`unexpected argument ${a}`);
      return 2;
    }
  }
  if (!input) {
    console.error('usage: node verify_vc.mjs [--allow-origin ORIGIN]... (FILE.json | URL | -)');
    return 2;
  }
  let credential;
  try {
    let text;
    if (/^https?:\/\//.test(input)) {
      allowedOrigins.push(new URL(input).origin);
      const res = await fetch(input, {headers: {Accept: 'application/vc+ld+json'}});
      if (!res.ok) throw new Error(`GET ${input} answered HTTP ${res.status}`);
      text = await res.text();
    } else if (input === '-') {
      const chunks = [];
      for await (const c of process.stdin) chunks.push(c);
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      text = await readFile(input, 'utf8');
    }
    credential = JSON.parse(text);
  } catch (e) {
    console.error(`cannot read credential: ${e.message}`);
    return 2;
  }
  if (allowedOrigins.length === 0) {
    console.error('give --allow-origin (the origin of the server under test)');
    return 2;
  }
  const out = await verifyOb3({credential, allowedOrigins});
  console.log(JSON.stringify(out, null, 2));
  return out.verified ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  }, e => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exitCode = 2;
  });
}
