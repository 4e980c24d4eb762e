#!/usr/bin/env node
// A stand-in for the Lanyard server, used only by `tests/interop/run --self-test`
// to prove the harness: it implements the slice of Lanyard's contract the interop
// checks use, signing with the Digital Bazaar stack, on 127.0.0.1.
//
//   node selftest_server.mjs --port PORT --out DEMO_JSON
//
// Writes a demo.json shaped like `lanyard demo --json` ({base_url, city, accounts,
// orgs[{slug, name, api_token}], badges[{slug, name, org}], claim_codes, evidence_award,
// pathway_badge, pathway_award}) once it listens; evidence_award is an award made at start
// whose credential carries an `evidence` array; pathway_award is an award of the city's own
// badge, issued by the city itself (its own key, status list and revocation list) with the
// source awards as evidence. Endpoints (all URLs absolute on base_url):
//   POST /api/v1/orgs/{org}/awards            Bearer token, {"badge","recipient"} -> 201
//        {id, credential_url, assertion_url, png_url, svg_url, urls{...}}
//   POST /api/v1/awards/{id}/revoke           Bearer token, {"reason"} -> 200
//   GET  /ob3/credentials/{id}                signed OB 3.0 credential (application/vc+ld+json)
//   GET  /ob3/credentials/{id}.png|.svg       baked OB 3.0 images
//   GET  /ob3/issuers/{org}                   issuer document listing the Multikey
//   GET  /ob3/status/{org}/revocation         signed BitstringStatusListCredential
//   GET  /ob3/revocations/{org}               1EdTechRevocationList list
//   GET  /ob2/assertions/{id}[?bake=png]      OB 2.0 hosted Assertion (410 once revoked)
//   GET  /ob2/badges/{slug}, /ob2/issuers/{org}, /img/{slug}.png
//   GET  /c/{city}/awards/{id}[/assertion]   Lanyard's public award URLs: the OB 3.0 credential
//                                             (Accept: application/vc+ld+json; an HTML page for
//                                             Accept: text/html) / the OB 2.0 assertion
//   GET  /c/{city}/evidence/{token}           the evidence page (HTML) an evidence item links to
//   GET  /c/{city}/issuer                     the city issuer's Profile listing its Multikey
//   GET  /c/{city}/status/revocation          the city's signed BitstringStatusListCredential
//   GET  /c/{city}/revocations                the city's 1EdTechRevocationList list
import http from 'node:http';
import crypto from 'node:crypto';
import {writeFileSync, renameSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {BitstringStatusList} from '@digitalbazaar/vc-bitstring-status-list';
import {BUNDLED_CONTEXTS} from './lib/loader.mjs';
import {makePng, bakePng, bakeSvg, OB2_PNG_KEYWORD, OB3_PNG_KEYWORD} from './lib/unbake.mjs';

const args = process.argv.slice(2);
const argOf = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const PORT = Number(argOf('--port', '0'));
const OUT = argOf('--out', null);
// --issuer-doc did (default): @context [did/v1, multikey/v1]
// --issuer-doc profile: an OB 3.0 Profile that adds the DID and multikey contexts
const ISSUER_DOC_STYLE = argOf('--issuer-doc', process.env.INTEROP_SELFTEST_ISSUER_DOC || 'did');
// Negative controls: --fault NAME[,NAME] (or INTEROP_SELFTEST_FAULT) breaks one thing on
// purpose, to prove the checks catch it:
//   unsigned-change   change "name" after signing        unknown-term  an undefined property
//   wrong-key         sign with a key the issuer doc lacks no-bitstring  revocation leaves the bit clear
//   no-revocation-list revocation leaves revokedCredentials empty
//   ob2-no-410        a revoked assertion still answers 200
//   ob2-bad-badge     the BadgeClass lacks "name"      png-compressed  compressed iTXt
//   svg-no-cdata      the SVG carries escaped text, no CDATA
//   no-evidence-page  the evidence page an evidence item links to answers 404
//   pathway-org-issuer the pathway award is issued and signed by the organization, not the city
//   city-key-unlisted the city issuer profile lists another key than the one that signs
//   city-status-org-signed the city's status list is issued and signed by the organization
//   no-pathway-award  demo.json lacks "pathway_award"
const FAULTS = new Set((argOf('--fault', process.env.INTEROP_SELFTEST_FAULT || '')).split(',').filter(Boolean));

const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const OB_EXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';

const bundledOnlyLoader = async url => {
  if (BUNDLED_CONTEXTS.has(url)) return {contextUrl: null, documentUrl: url, document: BUNDLED_CONTEXTS.get(url)};
  throw new Error(`self-test signer: refused to load ${url}`);
};

const nowZ = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const sha256hex = s => crypto.createHash('sha256').update(s).digest('hex');

let base = '';
const ORG = {slug: 'riverton-library', name: 'Riverton Library', api_token: 'lyd_' + crypto.randomBytes(18).toString('hex')};
const BADGES = [
  {slug: 'reading-explorer', name: 'Reading Explorer', description: 'Read five books from three different shelves.',
    criteria: 'Log five books, from at least three shelves, with a sentence about each.'},
  {slug: 'comic-creator', name: 'Comic Creator', description: 'Drew and published a short comic.',
    criteria: 'Make a comic of at least four panels and show it at the library.'},
];
const ACCOUNTS = [{role: 'youth', username: 'maya', password: 'n/a'}, {role: 'youth', username: 'leo', password: 'n/a'}];

const CITY = 'riverton';
// The city's own badge, given by a city pathway to youth who hold its source badges.
const CITY_BADGE = {slug: 'riverton-explorer', name: 'Riverton Explorer',
  description: 'Read at the library and drew a comic there this summer.',
  criteria: 'Earn Reading Explorer and Comic Creator this summer.'};
const BASE_PNG = makePng();
const awards = new Map(); // id -> award
const evidencePages = new Map(); // token -> HTML

// Two issuers, each with its own key (set at start), status list and revocation list: the
// organization (its issuer document at /ob3/issuers/{org}) and the city itself (its Profile
// at /c/{city}/issuer, as Lanyard serves it).
const ISSUERS = {
  org: {
    id: () => `${base}/ob3/issuers/${ORG.slug}`,
    name: ORG.name,
    url: () => `${base}/orgs/${ORG.slug}`,
    statusListUrl: () => `${base}/ob3/status/${ORG.slug}/revocation`,
    revocationListUrl: () => `${base}/ob3/revocations/${ORG.slug}`,
    nextIndex: 7, // status list index allocation (not 0, to catch off-by-one decoding)
    revokedBits: new Set(),
  },
  city: {
    id: () => `${base}/c/${CITY}/issuer`,
    name: 'Riverton',
    url: () => `${base}/c/${CITY}`,
    statusListUrl: () => `${base}/c/${CITY}/status/revocation`,
    revocationListUrl: () => `${base}/c/${CITY}/revocations`,
    nextIndex: 3,
    revokedBits: new Set(),
  },
};

let otherSigner;

async function signWith(aSigner, credential) {
  const suite = new DataIntegrityProof({signer: aSigner, cryptosuite: eddsaRdfc2022CryptoSuite});
  return vc.issue({credential, suite, documentLoader: bundledOnlyLoader});
}

const multikey = (iss, keyPair, n = 1) => ({
  id: `${iss.id()}#key-${n}`,
  type: 'Multikey',
  controller: iss.id(),
  publicKeyMultibase: keyPair.publicKeyMultibase,
});

function issuerDocument() {
  const iss = ISSUERS.org;
  const vm = multikey(iss, iss.keyPair);
  if (ISSUER_DOC_STYLE === 'profile') {
    return {
      '@context': [VC_V2, OB_V3, DID_V1, MULTIKEY_V1],
      id: iss.id(),
      type: ['Profile'],
      name: iss.name,
      url: iss.url(),
      verificationMethod: [vm],
      assertionMethod: [vm.id],
    };
  }
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: iss.id(),
    verificationMethod: [vm],
    assertionMethod: [vm.id],
  };
}

/** The city issuer's Profile at /c/{city}/issuer, as Lanyard serves it. */
function cityIssuerProfile() {
  const iss = ISSUERS.city;
  const vm = FAULTS.has('city-key-unlisted') ? multikey(iss, iss.otherKeyPair, 2) : multikey(iss, iss.keyPair);
  return {
    '@context': [VC_V2, OB_V3, DID_V1, MULTIKEY_V1],
    id: iss.id(),
    type: ['Profile'],
    name: iss.name,
    url: iss.url(),
    verificationMethod: [vm],
    assertionMethod: [vm.id],
  };
}

async function statusListCredential(iss) {
  const list = new BitstringStatusList({length: 131072});
  for (const i of iss.revokedBits) list.setStatus(i, true);
  const signedBy = iss === ISSUERS.city && FAULTS.has('city-status-org-signed') ? ISSUERS.org : iss;
  return signWith(signedBy.signer, {
    '@context': [VC_V2],
    id: iss.statusListUrl(),
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: signedBy.id(),
    validFrom: nowZ(),
    credentialSubject: {
      id: `${iss.statusListUrl()}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: await list.encode(),
    },
  });
}

function revocationList(iss) {
  return {
    id: iss.revocationListUrl(),
    issuer: iss.id(),
    revokedCredentials: [...awards.values()]
      .filter(a => a.issuer === iss && a.revoked && !FAULTS.has('no-revocation-list')).map(a => ({
        id: a.credential.id,
        revocationReason: a.revokedReason,
      })),
  };
}

async function makeAward(badge, recipient, {evidence, issuer: iss = ISSUERS.org, achievementId} = {}) {
  const id = crypto.randomUUID();
  const credUrl = iss === ISSUERS.city ? `${base}/c/${CITY}/awards/${id}` : `${base}/ob3/credentials/${id}`;
  const index = iss.nextIndex++;
  const salt = crypto.randomBytes(8).toString('hex');
  const unsigned = {
    '@context': [VC_V2, OB_V3, OB_EXT],
    id: credUrl,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: badge.name,
    issuer: {id: iss.id(), type: ['Profile'], name: iss.name, url: iss.url()},
    validFrom: nowZ(),
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{
        type: 'IdentityObject',
        hashed: true,
        identityHash: 'sha256$' + sha256hex(`${base}/u/${recipient}` + salt),
        identityType: 'identifier',
        salt,
      }],
      achievement: {
        id: achievementId || `${base}/ob3/achievements/${badge.slug}`,
        type: ['Achievement'],
        name: badge.name,
        description: badge.description,
        criteria: {narrative: badge.criteria},
        image: {id: `${base}/img/${badge.slug}.png`, type: 'Image', caption: badge.name},
      },
    },
    ...(evidence ? {evidence} : {}),
    credentialStatus: [
      {
        id: `${iss.statusListUrl()}#${index}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: String(index),
        statusListCredential: iss.statusListUrl(),
      },
      {id: iss.revocationListUrl(), type: '1EdTechRevocationList'},
    ],
  };
  const credential = FAULTS.has('wrong-key') ? await signWith(otherSigner, unsigned) : await signWith(iss.signer, unsigned);
  if (FAULTS.has('unsigned-change')) credential.name += ' (changed after signing)';
  // (A safe-mode signer cannot sign an undefined term, so this one is added after signing.)
  if (FAULTS.has('unknown-term')) credential.credentialSubject.favouriteColour = 'blue';
  const ob2Salt = crypto.randomBytes(8).toString('hex');
  const assertion = {
    '@context': OB2_CONTEXT,
    type: 'Assertion',
    id: `${base}/ob2/assertions/${id}`,
    recipient: {type: 'url', hashed: true, salt: ob2Salt, identity: 'sha256$' + sha256hex(`${base}/u/${recipient}` + ob2Salt)},
    badge: `${base}/ob2/badges/${badge.slug}`,
    verification: {type: 'HostedBadge'},
    issuedOn: credential.validFrom,
  };
  const award = {id, badge, recipient, issuer: iss, index, credential, assertion, revoked: false, revokedReason: null};
  awards.set(id, award);
  return award;
}

function send(res, status, type, body, extra = {}) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, {'Content-Type': type, 'Content-Length': buf.length, ...extra});
  res.end(buf);
}
const json = (res, status, body, type = 'application/json') => send(res, status, type, JSON.stringify(body, null, 2));

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const t = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(t ? JSON.parse(t) : {});
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

const authorized = req => req.headers.authorization === `Bearer ${ORG.api_token}`;

async function handle(req, res) {
  const url = new URL(req.url, base);
  const p = url.pathname;
  let m;

  if (req.method === 'POST' && (m = p.match(/^\/api\/v1\/orgs\/([^/]+)\/awards$/))) {
    if (!authorized(req)) return json(res, 401, {title: 'unauthorized'}, 'application/problem+json');
    if (m[1] !== ORG.slug) return json(res, 404, {title: 'not found'}, 'application/problem+json');
    const body = await readBody(req);
    const badge = BADGES.find(b => b.slug === body.badge);
    if (!badge || !ACCOUNTS.some(a => a.username === body.recipient)) {
      return json(res, 422, {title: 'invalid'}, 'application/problem+json');
    }
    const a = await makeAward(badge, body.recipient);
    return json(res, 201, {
      id: a.id,
      badge: {slug: badge.slug, name: badge.name},
      recipient: {username: body.recipient},
      credential_url: a.credential.id,
      assertion_url: a.assertion.id,
      png_url: `${a.credential.id}.png`,
      svg_url: `${a.credential.id}.svg`,
      urls: {api: `${base}/api/v1/awards/${a.id}`},
    }, 'application/json');
  }
  if (req.method === 'POST' && (m = p.match(/^\/api\/v1\/awards\/([^/]+)\/revoke$/))) {
    if (!authorized(req)) return json(res, 401, {title: 'unauthorized'}, 'application/problem+json');
    const a = awards.get(m[1]);
    if (!a) return json(res, 404, {title: 'not found'}, 'application/problem+json');
    const body = await readBody(req);
    a.revoked = true;
    a.revokedReason = body.reason || 'revoked';
    if (!FAULTS.has('no-bitstring')) a.issuer.revokedBits.add(a.index);
    return json(res, 200, {id: a.id, revoked: true, revocation_reason: a.revokedReason});
  }
  if (req.method !== 'GET') return json(res, 405, {title: 'method not allowed'});

  if ((m = p.match(/^\/ob3\/credentials\/([^/.]+)(\.png|\.svg|\.json)?$/))) {
    const a = awards.get(m[1]);
    if (!a) return json(res, 404, {title: 'not found'});
    const text = JSON.stringify(a.credential);
    if (m[2] === '.png') {
      return send(res, 200, 'image/png', bakePng(BASE_PNG, OB3_PNG_KEYWORD, text, {compressed: FAULTS.has('png-compressed')}));
    }
    if (m[2] === '.svg') {
      return send(res, 200, 'image/svg+xml', bakeSvg(text, {title: a.badge.name, cdata: !FAULTS.has('svg-no-cdata')}));
    }
    return send(res, 200, 'application/vc+ld+json', text);
  }
  if ((m = p.match(/^\/c\/([^/]+)\/awards\/([^/]+)(\/assertion)?$/)) && m[1] === CITY) {
    const a = awards.get(m[2]);
    if (!a) return json(res, 404, {title: 'not found'});
    if (m[3]) {
      if (a.revoked && !FAULTS.has('ob2-no-410')) return json(res, 410, {revoked: true, revocationReason: a.revokedReason});
      return json(res, 200, a.assertion, 'application/ld+json');
    }
    const accept = String(req.headers.accept || '');
    if (/text\/html/.test(accept) && !/application\/(vc\+)?ld\+json/.test(accept)) {
      return send(res, 200, 'text/html; charset=utf-8',
        `<!doctype html><title>${a.badge.name}</title><p>${a.recipient} holds the badge ${a.badge.name}.</p>`);
    }
    return send(res, 200, 'application/vc+ld+json', JSON.stringify(a.credential));
  }
  if ((m = p.match(/^\/c\/([^/]+)\/evidence\/([^/]+)$/)) && m[1] === CITY) {
    if (FAULTS.has('no-evidence-page') || !evidencePages.has(m[2])) return send(res, 404, 'text/html', '<!doctype html><title>not found</title>');
    return send(res, 200, 'text/html; charset=utf-8', evidencePages.get(m[2]));
  }
  if (p === `/ob3/issuers/${ORG.slug}`) return json(res, 200, issuerDocument(), 'application/ld+json');
  if (p === `/c/${CITY}/issuer`) return json(res, 200, cityIssuerProfile(), 'application/ld+json');
  for (const iss of Object.values(ISSUERS)) {
    const u = new URL(iss.statusListUrl());
    if (p === u.pathname) return json(res, 200, await statusListCredential(iss), 'application/vc+ld+json');
    if (p === new URL(iss.revocationListUrl()).pathname) return json(res, 200, revocationList(iss));
  }
  if ((m = p.match(/^\/ob2\/assertions\/([^/]+)$/))) {
    const a = awards.get(m[1]);
    if (!a) return json(res, 404, {title: 'not found'});
    if (a.revoked && !FAULTS.has('ob2-no-410')) return json(res, 410, {revoked: true, revocationReason: a.revokedReason});
    if (url.searchParams.get('bake') === 'png') {
      return send(res, 200, 'image/png', bakePng(BASE_PNG, OB2_PNG_KEYWORD, JSON.stringify(a.assertion)));
    }
    return json(res, 200, a.assertion, 'application/ld+json');
  }
  if ((m = p.match(/^\/ob2\/badges\/([^/]+)$/))) {
    const b = BADGES.find(x => x.slug === m[1]);
    if (!b) return json(res, 404, {title: 'not found'});
    return json(res, 200, {
      '@context': OB2_CONTEXT,
      type: 'BadgeClass',
      id: `${base}/ob2/badges/${b.slug}`,
      ...(FAULTS.has('ob2-bad-badge') ? {} : {name: b.name}),
      description: b.description,
      image: `${base}/img/${b.slug}.png`,
      criteria: {narrative: b.criteria},
      issuer: `${base}/ob2/issuers/${ORG.slug}`,
    }, 'application/ld+json');
  }
  if (p === `/ob2/issuers/${ORG.slug}`) {
    return json(res, 200, {
      '@context': OB2_CONTEXT,
      type: 'Issuer',
      id: `${base}/ob2/issuers/${ORG.slug}`,
      name: ORG.name,
      url: `${base}/orgs/${ORG.slug}`,
      email: 'badges@riverton.example',
    }, 'application/ld+json');
  }
  if ((m = p.match(/^\/img\/([^/]+)\.png$/))) return send(res, 200, 'image/png', BASE_PNG);
  if (p === '/signin' || p === '/') return send(res, 200, 'text/html', '<!doctype html><title>self-test</title>');
  return json(res, 404, {title: 'not found'});
}

const server = http.createServer((req, res) => {
  handle(req, res).catch(e => {
    console.error(e);
    if (!res.headersSent) json(res, 500, {title: 'error', detail: String(e && e.message)});
  });
});

server.listen(PORT, '127.0.0.1', async () => {
  base = `http://127.0.0.1:${server.address().port}`;
  for (const iss of Object.values(ISSUERS)) {
    iss.keyPair = await Ed25519Multikey.generate({controller: iss.id(), id: `${iss.id()}#key-1`});
    iss.signer = iss.keyPair.signer();
  }
  ISSUERS.city.otherKeyPair = await Ed25519Multikey.generate({controller: ISSUERS.city.id(), id: `${ISSUERS.city.id()}#key-2`});
  const orgId = ISSUERS.org.id();
  otherSigner = (await Ed25519Multikey.generate({controller: orgId, id: `${orgId}#key-1`})).signer();
  // An award made when a mentor approved submitted work: its credential links the evidence page.
  const token = crypto.randomBytes(16).toString('hex');
  const narrative = 'I drew a four-panel comic about a cat who runs the library at night.';
  evidencePages.set(token, `<!doctype html><title>The work behind Comic Creator</title><p>${narrative}</p>`);
  const evidenceAward = await makeAward(BADGES[1], 'leo', {evidence: [{
    id: `${base}/c/${CITY}/evidence/${token}`,
    type: ['Evidence'],
    name: 'Work submitted for Comic Creator',
    narrative,
  }]});
  // A city pathway: Reading Explorer and Comic Creator give the city's own badge, issued by the city.
  const readingAward = await makeAward(BADGES[0], 'leo');
  const sources = [readingAward, evidenceAward];
  const pathwayAward = await makeAward(CITY_BADGE, 'leo', {
    issuer: FAULTS.has('pathway-org-issuer') ? ISSUERS.org : ISSUERS.city,
    achievementId: `${base}/c/${CITY}/badges/${CITY_BADGE.slug}`,
    evidence: sources.map(a => ({
      id: `${base}/c/${CITY}/awards/${a.id}`,
      type: ['Evidence'],
      name: a.badge.name,
      narrative: `Holds the badge “${a.badge.name}”.`,
    })),
  });
  const demo = {
    base_url: base,
    city: CITY,
    accounts: ACCOUNTS,
    orgs: [ORG],
    badges: BADGES.map(b => ({slug: b.slug, name: b.name, org: ORG.slug})),
    claim_codes: [],
    evidence_award: evidenceAward.id,
    pathway_badge: CITY_BADGE.slug,
    ...(FAULTS.has('no-pathway-award') ? {} : {pathway_award: pathwayAward.id}),
  };
  const line = JSON.stringify(demo);
  if (OUT) {
    writeFileSync(`${OUT}.tmp`, line + '\n');
    renameSync(`${OUT}.tmp`, OUT);
  } else {
    console.log(line);
  }
  console.error(`self-test server on ${base} (issuer document style: ${ISSUER_DOC_STYLE}; faults: ${[...FAULTS].join(',') || 'none'})`);
});

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
