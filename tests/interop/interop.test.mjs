// The interop checks, run by tests/interop/run under `node --test`.
// Each `check` is one counted test. Independent verifiers, written by others,
// judge what the server under test serves:
//   Digital Bazaar VC stack (verify_vc.mjs), openbadgeslib (ob3_check.py),
//   the 1EdTech OB 2.0 validator `openbadges` and `openbadges-bakery` (ob2_check.py).
//
// Environment (set by ./run):
//   INTEROP_DEMO_JSON     demo.json written by `lanyard demo --json` (or the self-test server)
//   INTEROP_WORK_DIR      where fetched documents and verifier outputs are written
//   INTEROP_PY_OB2        python of the venv with openbadges + openbadges-bakery
//   INTEROP_PY_OB3        python of the venv with openbadgeslib[ldp]
//   INTEROP_RESULTS       JSON file receiving [{name, ok, reason}]
//   INTEROP_SETUP_ERROR   when set, the server could not be started: every check fails with it
//   INTEROP_RECIPIENT     recipient username (default "maya")
import {test, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {readFileSync, writeFileSync, mkdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {verifyOb3} from './verify_vc.mjs';
import {unbakePng, unbakeSvg, OB3_PNG_KEYWORD, OB3_SVG_NS} from './lib/unbake.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORK = process.env.INTEROP_WORK_DIR || path.join(HERE, '.work');
mkdirSync(WORK, {recursive: true});
const RESULTS = process.env.INTEROP_RESULTS || path.join(WORK, 'results.json');
const RECIPIENT = process.env.INTEROP_RECIPIENT || 'maya';
const TIMEOUT = 120_000;

// ------------------------------------------------------------------ bookkeeping
const results = [];
function check(name, fn) {
  test(name, {timeout: TIMEOUT}, async () => {
    try {
      if (process.env.INTEROP_SETUP_ERROR) throw new Error(process.env.INTEROP_SETUP_ERROR);
      await fn();
      results.push({name, ok: true});
    } catch (e) {
      results.push({name, ok: false, reason: oneLine(e && e.message ? e.message : String(e))});
      throw e;
    }
  });
}
after(() => writeFileSync(RESULTS, JSON.stringify(results, null, 2)));

function oneLine(s) {
  return String(s).replace(/\s+/g, ' ').trim().slice(0, 600);
}

const once = fn => {
  let p;
  return () => (p ??= fn());
};

function save(name, data) {
  const file = path.join(WORK, name);
  writeFileSync(file, data);
  return file;
}

function clip(s, n = 300) {
  s = String(s);
  return s.length > n ? s.slice(0, n) + '…' : s;
}

async function http(method, url, {headers = {}, body} = {}) {
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? headers : {'Content-Type': 'application/json', ...headers},
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new Error(`${method} ${url} failed: ${e.cause?.message || e.message}`);
  }
  const buf = Buffer.from(await res.arrayBuffer());
  return {status: res.status, contentType: res.headers.get('content-type') || '', buf, text: () => buf.toString('utf8')};
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} is not JSON: ${clip(text, 200)}`);
  }
}

function runPy(python, script, args, what) {
  if (!python) return Promise.reject(new Error(`${what}: its Python virtualenv is not available (see the setup log)`));
  return new Promise((resolve, reject) => {
    const child = spawn(python, [path.join(HERE, script), ...args], {stdio: ['ignore', 'pipe', 'pipe']});
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (err += d));
    child.on('error', e => reject(new Error(`${what}: cannot run ${python}: ${e.message}`)));
    child.on('close', code => {
      try {
        const parsed = JSON.parse(out);
        parsed.exitCode = code;
        resolve(parsed);
      } catch {
        reject(new Error(`${what}: exited ${code} without a JSON result; stderr: ${clip(err.trim().split('\n').slice(-5).join(' | '), 500)}`));
      }
    });
  });
}
const PY_OB2 = process.env.INTEROP_PY_OB2;
const PY_OB3 = process.env.INTEROP_PY_OB3;

// ------------------------------------------------------------------ the server under test
const demo = once(async () => {
  const file = process.env.INTEROP_DEMO_JSON;
  if (!file) throw new Error('INTEROP_DEMO_JSON not set');
  const line = readFileSync(file, 'utf8').split('\n').find(l => l.trim().startsWith('{'));
  if (!line) throw new Error(`${file} holds no JSON line`);
  const d = JSON.parse(line);
  if (!d.base_url) throw new Error('demo JSON has no base_url');
  if (!Array.isArray(d.orgs) || !d.orgs.length || !d.orgs[0].api_token) throw new Error('demo JSON has no orgs[0].api_token');
  return d;
});
const origin = async () => new URL((await demo()).base_url).origin;

/** POST /api/v1/orgs/{org}/awards for the first badge of orgs[0] that RECIPIENT does not hold. */
const award = once(async () => {
  const d = await demo();
  const org = d.orgs[0];
  const badges = (d.badges || []).filter(b => b.org === org.slug);
  if (!badges.length) throw new Error(`demo JSON lists no badge of org ${org.slug}`);
  const tried = [];
  for (const b of badges) {
    const url = `${d.base_url}/api/v1/orgs/${org.slug}/awards`;
    const r = await http('POST', url, {headers: {Authorization: `Bearer ${org.api_token}`, Accept: 'application/json'},
      body: {badge: b.slug, recipient: RECIPIENT}});
    if (r.status === 409) {
      tried.push(`${b.slug}: 409`);
      continue;
    }
    if (r.status !== 201) {
      throw new Error(`POST ${url} {"badge":"${b.slug}","recipient":"${RECIPIENT}"} answered ${r.status}: ${clip(r.text())}`);
    }
    const body = parseJson(r.text(), `POST ${url} response`);
    save('award.json', JSON.stringify(body, null, 2));
    return {...body, _org: org, _badge: b};
  }
  throw new Error(`no badge left to award to ${RECIPIENT}: ${tried.join(', ')}`);
});

const AWARD_URL_FIELDS = ['credential_url', 'assertion_url', 'png_url', 'svg_url'];
async function awardUrl(field) {
  const a = await award();
  const v = a[field];
  if (typeof v !== 'string' || !/^https?:\/\//.test(v)) {
    throw new Error(`award response has no absolute "${field}" (it has: ${Object.keys(a).filter(k => !k.startsWith('_')).join(', ')})`);
  }
  if (new URL(v).origin !== await origin()) throw new Error(`${field} ${v} is not on the server under test`);
  return v;
}

const credential = once(async () => {
  const url = await awardUrl('credential_url');
  const r = await http('GET', url, {headers: {Accept: 'application/vc+ld+json'}});
  if (r.status !== 200) throw new Error(`GET ${url} (Accept: application/vc+ld+json) answered ${r.status}: ${clip(r.text())}`);
  const json = parseJson(r.text(), `GET ${url}`);
  const file = save('credential.json', r.buf);
  return {url, json, file, contentType: r.contentType};
});

async function fetchBytes(field, accept, suffix) {
  const url = await awardUrl(field);
  const r = await http('GET', url, {headers: {Accept: accept}});
  if (r.status !== 200) throw new Error(`GET ${url} answered ${r.status}: ${clip(r.text())}`);
  return {url, buf: r.buf, contentType: r.contentType, file: save(`${field}${suffix}`, r.buf)};
}
const ob3Png = once(() => fetchBytes('png_url', 'image/png', '.png'));
const ob3Svg = once(() => fetchBytes('svg_url', 'image/svg+xml', '.svg'));
const ob2Png = once(async () => {
  const a = await award();
  // The OB 2.0 baked PNG: a dedicated field when the API offers one, else assertion_url?bake=png.
  const url = typeof a.assertion_png_url === 'string' ? a.assertion_png_url : `${await awardUrl('assertion_url')}?bake=png`;
  if (new URL(url).origin !== await origin()) throw new Error(`assertion_png_url ${url} is not on the server under test`);
  const r = await http('GET', url, {headers: {Accept: 'image/png'}});
  if (r.status !== 200) throw new Error(`GET ${url} answered ${r.status}: ${clip(r.text())}`);
  return {url, buf: r.buf, contentType: r.contentType, file: save('ob2-baked.png', r.buf)};
});

const revoke = once(async () => {
  const a = await award();
  const d = await demo();
  const url = `${d.base_url}/api/v1/awards/${a.id}/revoke`;
  const r = await http('POST', url, {headers: {Authorization: `Bearer ${a._org.api_token}`, Accept: 'application/json'},
    body: {reason: 'interop test: revoked on purpose'}});
  if (r.status !== 200) throw new Error(`POST ${url} {"reason": …} answered ${r.status}: ${clip(r.text())}`);
  return r;
});

// ------------------------------------------------------------------ verifier wrappers
async function dbVerify(cred, label) {
  const out = await verifyOb3({credential: cred, allowedOrigins: [await origin()]});
  save(`db-${label}.json`, JSON.stringify(out, null, 2));
  return out;
}
async function obl(cmd, cred, label) {
  const file = save(`obl-${label}-input.json`, JSON.stringify(cred));
  const out = await runPy(PY_OB3, 'ob3_check.py', [cmd, '--allow-origin', await origin(), file], `openbadgeslib ${cmd}`);
  save(`obl-${label}.json`, JSON.stringify(out, null, 2));
  return out;
}
function describeStatus(entries) {
  return entries.map(e => `${e.type}${e.checked ? (e.revoked ? ' revoked' : ' not revoked') : ` unchecked (${e.error})`}`).join('; ') || 'no entries';
}

function tamperName(c) {
  const t = structuredClone(c);
  if (typeof t.name !== 'string') throw new Error('credential has no "name" to tamper with');
  t.name = `${t.name} (tampered)`;
  return t;
}
function tamperSubject(c) {
  const t = structuredClone(c);
  const s = Array.isArray(t.credentialSubject) ? t.credentialSubject[0] : t.credentialSubject;
  if (!s || typeof s !== 'object') throw new Error('credential has no credentialSubject object');
  // Claim the badge for someone else: change who it identifies.
  const ident = Array.isArray(s.identifier) ? s.identifier[0] : s.identifier;
  if (ident && typeof ident.identityHash === 'string') {
    const h = ident.identityHash;
    ident.identityHash = h.slice(0, -1) + (h.endsWith('0') ? '1' : '0');
  } else if (typeof s.id === 'string') {
    s.id = s.id.startsWith('urn:') ? 'urn:uuid:00000000-0000-4000-8000-000000000000' : `${s.id}-someone-else`;
  } else if (s.achievement && typeof s.achievement.name === 'string') {
    s.achievement.name += ' (tampered)';
  } else {
    throw new Error('credentialSubject has neither identifier[].identityHash, id nor achievement.name');
  }
  return t;
}

function sameCredential(unbakedText, served, what) {
  const unbaked = parseJson(unbakedText, what);
  assert.deepStrictEqual(unbaked, served.json, `${what} differs from the credential served at ${served.url}`);
}

// ================================================================== the checks
check('api: POST /api/v1/orgs/{org}/awards answers 201 with id, credential_url, assertion_url, png_url, svg_url', async () => {
  const a = await award();
  assert.ok(typeof a.id === 'string' && a.id, 'award response has no "id"');
  const problems = [];
  for (const f of AWARD_URL_FIELDS) {
    const v = a[f];
    if (typeof v !== 'string' || !/^https?:\/\//.test(v)) problems.push(`no absolute "${f}"`);
    else if (new URL(v).origin !== await origin()) problems.push(`"${f}" ${v} is not on the server under test`);
  }
  assert.equal(problems.length, 0,
    `award response: ${problems.join(', ')} (it has: ${Object.keys(a).filter(k => !k.startsWith('_')).join(', ')})`);
});

check('ob3: credential_url serves the OB 3.0 credential as application/vc+ld+json', async () => {
  const c = await credential();
  assert.match(c.contentType, /^application\/vc\+ld\+json\b/, `Content-Type is "${c.contentType}"`);
  const types = [].concat(c.json.type || []);
  assert.ok(types.includes('VerifiableCredential') && types.includes('OpenBadgeCredential'),
    `type is ${JSON.stringify(c.json.type)}`);
  assert.ok(c.json.proof, 'the credential has no proof');
});

check('ob3: Digital Bazaar vc.verifyCredential (safe mode, eddsa-rdfc-2022) verifies a fresh award, status checked, not revoked', async () => {
  const c = await credential();
  const out = await dbVerify(c.json, 'fresh');
  assert.ok(out.safeModeExpansion.ok, `safe-mode JSON-LD expansion failed: ${out.safeModeExpansion.error}`);
  assert.ok(out.proofVerified, `proof not verified: ${out.error}`);
  assert.ok(out.status.present, 'the credential has no credentialStatus');
  assert.ok(out.status.checked, `status not checked: ${describeStatus(out.status.entries)}`);
  assert.ok(!out.status.revoked, `a fresh award reads as revoked: ${describeStatus(out.status.entries)}`);
  assert.ok(out.verified, out.error || 'not verified');
});

check('ob3: openbadgeslib OB3LdpVerifier (eddsa-rdfc-2022) verifies a fresh award', async () => {
  const c = await credential();
  const out = await obl('verify', c.json, 'fresh');
  assert.ok(out.verified, out.error || 'not verified');
});

check('ob3: openbadgeslib reads the BitstringStatusList of a fresh award as not revoked', async () => {
  const c = await credential();
  const out = await obl('status', c.json, 'status-fresh');
  assert.ok(out.checked && !out.revoked, out.error || 'status not checked');
});

// Rejecting a tampered copy means something only if the untampered one verifies.
const dbBaseline = once(async () => {
  const out = await dbVerify((await credential()).json, 'fresh-baseline');
  if (!out.proofVerified) throw new Error(`the untampered credential does not verify either: ${out.error}`);
  return out;
});

check('ob3 tamper: Digital Bazaar rejects the credential with a changed name', async () => {
  await dbBaseline();
  const out = await dbVerify(tamperName((await credential()).json), 'tampered-name');
  assert.equal(out.proofVerified, false, 'the proof still verified after "name" was changed');
  assert.equal(out.verified, false);
});

check('ob3 tamper: Digital Bazaar rejects the credential with a changed credentialSubject', async () => {
  await dbBaseline();
  const out = await dbVerify(tamperSubject((await credential()).json), 'tampered-subject');
  assert.equal(out.proofVerified, false, 'the proof still verified after credentialSubject was changed');
  assert.equal(out.verified, false);
});

check('ob3 tamper: openbadgeslib rejects the credential with a changed name', async () => {
  const c = await credential();
  // Meaningful only if the untampered credential verifies with it.
  const base = await obl('verify', c.json, 'fresh-baseline');
  assert.ok(base.verified, `the untampered credential does not verify either: ${base.error}`);
  const out = await obl('verify', tamperName(c.json), 'tampered-name');
  assert.equal(out.verified, false, 'openbadgeslib accepted a changed "name"');
});

check('ob3 tamper: openbadgeslib rejects the credential with a changed credentialSubject', async () => {
  const c = await credential();
  const base = await obl('verify', c.json, 'fresh-baseline');
  assert.ok(base.verified, `the untampered credential does not verify either: ${base.error}`);
  const out = await obl('verify', tamperSubject(c.json), 'tampered-subject');
  assert.equal(out.verified, false, 'openbadgeslib accepted a changed credentialSubject');
});

check('ob3 baked PNG: one uncompressed iTXt "openbadgecredential" chunk holding the credential served at credential_url', async () => {
  const [png, c] = [await ob3Png(), await credential()];
  assert.match(png.contentType, /^image\/png\b/, `png_url Content-Type is "${png.contentType}"`);
  const u = unbakePng(png.buf, OB3_PNG_KEYWORD);
  assert.ok(u, `no iTXt chunk with keyword "${OB3_PNG_KEYWORD}" in ${png.url}`);
  assert.equal(u.count, 1, `${u.count} iTXt "${OB3_PNG_KEYWORD}" chunks`);
  assert.equal(u.compressed, false, 'the iTXt chunk is compressed');
  sameCredential(u.text, c, 'the credential unbaked from the PNG');
});

check('ob3 baked PNG: openbadgeslib extract_png unbakes the same credential', async () => {
  const [png, c] = [await ob3Png(), await credential()];
  const out = await runPy(PY_OB3, 'ob3_check.py', ['unbake-png', png.file], 'openbadgeslib extract_png');
  assert.ok(out.found, out.error || 'openbadgeslib found no OB 3.0 credential in the PNG');
  sameCredential(out.text, c, 'the credential openbadgeslib unbaked from the PNG');
});

check('ob3 baked SVG: <openbadges:credential> CDATA (xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0") holds the credential', async () => {
  const [svg, c] = [await ob3Svg(), await credential()];
  assert.match(svg.contentType, /^image\/svg\+xml\b/, `svg_url Content-Type is "${svg.contentType}"`);
  const u = unbakeSvg(svg.buf.toString('utf8'), {namespace: OB3_SVG_NS, element: 'credential'});
  assert.ok(u, `no <…:credential> element in the ${OB3_SVG_NS} namespace in ${svg.url}`);
  assert.equal(u.prefix, 'openbadges', `the namespace prefix is "${u.prefix}", not "openbadges"`);
  assert.ok(u.cdata, 'the credential is not in a CDATA section');
  sameCredential(u.text, c, 'the credential unbaked from the SVG');
});

check('ob3 baked SVG: openbadgeslib extract_svg unbakes the same credential', async () => {
  const [svg, c] = [await ob3Svg(), await credential()];
  const out = await runPy(PY_OB3, 'ob3_check.py', ['unbake-svg', svg.file], 'openbadgeslib extract_svg');
  assert.ok(out.found, out.error || 'openbadgeslib found no <openbadges:credential> in the SVG');
  sameCredential(out.text, c, 'the credential openbadgeslib unbaked from the SVG');
});

check('ob2: the hosted assertion passes the 1EdTech openbadges 1.1.2 validator with no errors', async () => {
  const url = await awardUrl('assertion_url');
  const out = await runPy(PY_OB2, 'ob2_check.py', ['validate', '--allow-origin', await origin(), url], 'openbadges validator');
  save('ob2-validate.json', JSON.stringify(out, null, 2));
  assert.equal(out.error, null, `the validator raised: ${out.error}`);
  const errs = out.errors.map(e => `${e.name}: ${e.result}`).join('; ');
  assert.equal(out.errorCount, 0, `validator errors: ${errs}`);
  assert.ok(out.valid, `report not valid (errors: ${errs || 'none'}; graph: ${JSON.stringify(out.graph)})`);
  assert.equal(out.openbadgesVersion, '2.0', `detected Open Badges version ${out.openbadgesVersion}`);
  assert.equal(out.validationSubject, url, `validated ${out.validationSubject}, not ${url}`);
});

check('ob2 baked PNG: openbadges-bakery unbakes the assertion from assertion_url?bake=png', async () => {
  const png = await ob2Png();
  const url = await awardUrl('assertion_url');
  const out = await runPy(PY_OB2, 'ob2_check.py', ['unbake', png.file], 'openbadges-bakery');
  assert.ok(out.found, out.error || `openbadges-bakery found no "openbadges" chunk in ${png.url}`);
  const text = out.text.trim();
  if (text.startsWith('{')) {
    const a = parseJson(text, 'the unbaked assertion');
    assert.equal(a.id, url, `unbaked assertion id ${a.id} is not assertion_url`);
    const served = parseJson((await http('GET', url, {headers: {Accept: 'application/ld+json'}})).text(), url);
    assert.deepStrictEqual(a, served, 'the unbaked assertion differs from the one served at assertion_url');
  } else {
    assert.equal(text, url, 'the PNG carries a URL that is not assertion_url');
  }
});

check('ob2 baked PNG: the openbadges validator accepts the baked PNG', async () => {
  const png = await ob2Png();
  const out = await runPy(PY_OB2, 'ob2_check.py', ['validate', '--allow-origin', await origin(), png.file], 'openbadges validator (PNG)');
  save('ob2-validate-png.json', JSON.stringify(out, null, 2));
  const errs = (out.errors || []).map(e => `${e.name}: ${e.result}`).join('; ');
  assert.equal(out.error, null, `the validator raised: ${out.error}`);
  assert.ok(out.valid && out.errorCount === 0, `validator errors: ${errs || 'none'}`);
});

// ------------------------------------------------------------------ evidence
// demo.json's `evidence_award`: the public id of the award made when a mentor approved
// a youth's submitted work. Its OB 3.0 credential carries an `evidence` array.
const evidenceCredential = once(async () => {
  const d = await demo();
  if (typeof d.evidence_award !== 'string' || !d.evidence_award) {
    throw new Error('demo JSON has no "evidence_award" (the public id of the award made by approving submitted work); ' +
      `it has: ${Object.keys(d).join(', ')}`);
  }
  if (typeof d.city !== 'string' || !d.city) throw new Error('demo JSON has no "city" (needed for /c/{city}/awards/{evidence_award})');
  const url = `${d.base_url}/c/${encodeURIComponent(d.city)}/awards/${encodeURIComponent(d.evidence_award)}`;
  const r = await http('GET', url, {headers: {Accept: 'application/vc+ld+json'}});
  if (r.status !== 200) throw new Error(`GET ${url} (Accept: application/vc+ld+json) answered ${r.status}: ${clip(r.text())}`);
  const json = parseJson(r.text(), `GET ${url}`);
  const file = save('evidence-credential.json', r.buf);
  return {url, json, file, contentType: r.contentType};
});

function firstEvidence(c) {
  if (!Array.isArray(c.evidence) || !c.evidence.length) {
    throw new Error(`the credential has no non-empty "evidence" array (evidence: ${clip(JSON.stringify(c.evidence) ?? 'absent', 200)})`);
  }
  const e = c.evidence[0];
  if (!e || typeof e !== 'object') throw new Error(`evidence[0] is not an object: ${clip(JSON.stringify(e), 200)}`);
  return e;
}

function tamperEvidenceNarrative(c) {
  const t = structuredClone(c);
  const e = firstEvidence(t);
  if (typeof e.narrative !== 'string') throw new Error('evidence[0] has no "narrative" to tamper with');
  e.narrative = `${e.narrative} (tampered)`;
  return t;
}

// Rejecting a tampered copy means something only if the untampered one verifies.
const dbEvidenceBaseline = once(async () => {
  const out = await dbVerify((await evidenceCredential()).json, 'evidence-baseline');
  if (!out.proofVerified) throw new Error(`the untampered evidence credential does not verify either: ${out.error}`);
  return out;
});

check('ob3 evidence: the evidence_award credential carries evidence[0] (type Evidence, absolute id, narrative) and its evidence page answers 200', async () => {
  const c = await evidenceCredential();
  assert.match(c.contentType, /^application\/vc\+ld\+json\b/, `${c.url} Content-Type is "${c.contentType}"`);
  const types = [].concat(c.json.type || []);
  assert.ok(types.includes('VerifiableCredential') && types.includes('OpenBadgeCredential'),
    `type is ${JSON.stringify(c.json.type)}`);
  assert.ok(c.json.proof, 'the credential has no proof');
  const e = firstEvidence(c.json);
  assert.ok([].concat(e.type || []).includes('Evidence'), `evidence[0].type is ${JSON.stringify(e.type)}, not Evidence`);
  assert.ok(typeof e.id === 'string' && /^https?:\/\//.test(e.id), `evidence[0].id is ${JSON.stringify(e.id)}, not an absolute http(s) URL`);
  assert.ok(typeof e.narrative === 'string' && e.narrative.trim(), `evidence[0].narrative is ${JSON.stringify(e.narrative)}`);
  // Only the server under test is contacted (see README).
  assert.equal(new URL(e.id).origin, await origin(), `evidence[0].id ${e.id} is not on the server under test`);
  const r = await http('GET', e.id, {headers: {Accept: 'text/html, */*'}});
  assert.equal(r.status, 200, `GET ${e.id} (evidence[0].id) answered ${r.status}: ${clip(r.text(), 200)}`);
  save('evidence-page.html', r.buf);
});

check('ob3 evidence: Digital Bazaar vc.verifyCredential (safe mode, eddsa-rdfc-2022) verifies the evidence_award credential, status checked, not revoked', async () => {
  const c = await evidenceCredential();
  const out = await dbVerify(c.json, 'evidence');
  assert.ok(out.safeModeExpansion.ok, `safe-mode JSON-LD expansion failed: ${out.safeModeExpansion.error}`);
  assert.ok(out.proofVerified, `proof not verified: ${out.error}`);
  assert.ok(out.status.present, 'the credential has no credentialStatus');
  assert.ok(out.status.checked, `status not checked: ${describeStatus(out.status.entries)}`);
  assert.ok(!out.status.revoked, `the evidence award reads as revoked: ${describeStatus(out.status.entries)}`);
  assert.ok(out.verified, out.error || 'not verified');
});

check('ob3 evidence: openbadgeslib OB3LdpVerifier (eddsa-rdfc-2022) verifies the evidence_award credential', async () => {
  const c = await evidenceCredential();
  const out = await obl('verify', c.json, 'evidence');
  assert.ok(out.verified, out.error || 'not verified');
});

check('ob3 evidence tamper: Digital Bazaar rejects the evidence_award credential with a changed evidence narrative', async () => {
  await dbEvidenceBaseline();
  const out = await dbVerify(tamperEvidenceNarrative((await evidenceCredential()).json), 'tampered-evidence-narrative');
  assert.equal(out.proofVerified, false, 'the proof still verified after evidence[0].narrative was changed');
  assert.equal(out.verified, false);
});

// ------------------------------------------------------------------ city pathway
// demo.json's `pathway_award`: the public id of an award of the city's own badge, given by a
// city pathway to a youth who held its source badges. Its OB 3.0 credential is issued by the
// CITY, not an organization: issuer.id is /c/{city}/issuer (the city's profile, listing its
// Multikey keys), a #key-N of that issuer signs it and its status list, and its `evidence`
// lists the source awards.
const pathwayCredential = once(async () => {
  const d = await demo();
  if (typeof d.pathway_award !== 'string' || !d.pathway_award) {
    throw new Error('demo JSON has no "pathway_award" (the public id of an award of the city badge given by a city pathway); ' +
      `it has: ${Object.keys(d).join(', ')}`);
  }
  if (typeof d.city !== 'string' || !d.city) throw new Error('demo JSON has no "city" (needed for /c/{city}/awards/{pathway_award})');
  const url = `${d.base_url}/c/${encodeURIComponent(d.city)}/awards/${encodeURIComponent(d.pathway_award)}`;
  const r = await http('GET', url, {headers: {Accept: 'application/vc+ld+json'}});
  if (r.status !== 200) throw new Error(`GET ${url} (Accept: application/vc+ld+json) answered ${r.status}: ${clip(r.text())}`);
  const json = parseJson(r.text(), `GET ${url}`);
  const file = save('pathway-credential.json', r.buf);
  return {url, json, file, contentType: r.contentType};
});

const idOf = x => (typeof x === 'string' ? x : x && typeof x === 'object' ? x.id : undefined);
const idsOf = v => [].concat(v ?? []).map(idOf);
function proofOf(c) {
  const p = Array.isArray(c.proof) ? c.proof[0] : c.proof;
  if (!p || typeof p !== 'object') throw new Error('the credential has no proof object');
  return p;
}

/** The city issuer named by the pathway credential: {id, vm}, both checked to be the city's. */
async function cityIssuerOf(c) {
  const d = await demo();
  const id = idOf(c.issuer);
  if (typeof id !== 'string' || !/^https?:\/\//.test(id)) throw new Error(`issuer.id is ${JSON.stringify(id)}, not an absolute http(s) URL`);
  if (new URL(id).origin !== await origin()) throw new Error(`issuer.id ${id} is not on the server under test`);
  const cityPath = `/c/${encodeURIComponent(d.city)}/issuer`;
  if (!id.endsWith(cityPath)) throw new Error(`issuer.id ${id} is not the city issuer (…${cityPath}): the credential is not issued by the city`);
  const vm = proofOf(c).verificationMethod;
  if (typeof vm !== 'string' || !vm.startsWith(`${id}#key-`)) {
    throw new Error(`proof.verificationMethod ${JSON.stringify(vm)} is not a key of the city issuer (${id}#key-N)`);
  }
  return {id, vm};
}

function tamperAchievementName(c) {
  const t = structuredClone(c);
  const s = Array.isArray(t.credentialSubject) ? t.credentialSubject[0] : t.credentialSubject;
  const a = s && typeof s === 'object' ? s.achievement : undefined;
  if (!a || typeof a.name !== 'string') throw new Error('credentialSubject has no achievement.name to tamper with');
  a.name = `${a.name} (tampered)`;
  return t;
}

// Rejecting a tampered copy means something only if the untampered one verifies.
const dbPathwayBaseline = once(async () => {
  const out = await dbVerify((await pathwayCredential()).json, 'pathway-baseline');
  if (!out.proofVerified) throw new Error(`the untampered pathway credential does not verify either: ${out.error}`);
  return out;
});

check('ob3 pathway: the pathway_award credential is issued by the city (issuer.id /c/{city}/issuer, signed by its #key-N, which the issuer profile lists) and its evidence lists >= 2 source awards that answer 200', async () => {
  const c = await pathwayCredential();
  assert.match(c.contentType, /^application\/vc\+ld\+json\b/, `${c.url} Content-Type is "${c.contentType}"`);
  const types = [].concat(c.json.type || []);
  assert.ok(types.includes('VerifiableCredential') && types.includes('OpenBadgeCredential'),
    `type is ${JSON.stringify(c.json.type)}`);
  const {id: issuer, vm} = await cityIssuerOf(c.json);

  // The issuer id is dereferenceable and lists the key that signed.
  const r = await http('GET', issuer, {headers: {Accept: 'application/ld+json, application/json;q=0.9'}});
  assert.equal(r.status, 200, `GET ${issuer} (issuer.id) answered ${r.status}: ${clip(r.text(), 200)}`);
  save('pathway-issuer.json', r.buf);
  const profile = parseJson(r.text(), `GET ${issuer}`);
  assert.equal(profile.id, issuer, `the document at ${issuer} has id ${JSON.stringify(profile.id)}`);
  assert.ok([].concat(profile.type || []).includes('Profile'), `the document at ${issuer} has type ${JSON.stringify(profile.type)}, not Profile`);
  const listed = idsOf(profile.verificationMethod);
  assert.ok(listed.includes(vm), `${issuer} lists verificationMethod ${JSON.stringify(listed)}, not ${vm}`);
  const method = [].concat(profile.verificationMethod).find(x => idOf(x) === vm);
  if (typeof method === 'object') {
    assert.equal(method.type, 'Multikey', `verification method ${vm} has type ${JSON.stringify(method.type)}`);
    assert.equal(method.controller, issuer, `verification method ${vm} has controller ${JSON.stringify(method.controller)}`);
  }
  assert.ok(idsOf(profile.assertionMethod).includes(vm),
    `${issuer} lists assertionMethod ${JSON.stringify(idsOf(profile.assertionMethod))}, not ${vm}`);

  // The evidence: the awards of the source badges, on the server, each answering 200.
  const ev = c.json.evidence;
  assert.ok(Array.isArray(ev) && ev.length >= 2,
    `evidence is ${clip(JSON.stringify(ev) ?? 'absent', 300)}; a pathway award lists at least 2 source awards`);
  const d = await demo();
  const awardsPrefix = `/c/${encodeURIComponent(d.city)}/awards/`;
  const isAwardPath = p => p.startsWith(awardsPrefix) && /^[^/]+$/.test(p.slice(awardsPrefix.length));
  const seen = new Set();
  for (const [i, e] of ev.entries()) {
    assert.ok(e && typeof e === 'object', `evidence[${i}] is not an object: ${clip(JSON.stringify(e), 200)}`);
    assert.ok([].concat(e.type || []).includes('Evidence'), `evidence[${i}].type is ${JSON.stringify(e.type)}, not Evidence`);
    assert.ok(typeof e.id === 'string' && /^https?:\/\//.test(e.id), `evidence[${i}].id is ${JSON.stringify(e.id)}, not an absolute http(s) URL`);
    assert.ok(typeof e.name === 'string' && e.name.trim(), `evidence[${i}].name is ${JSON.stringify(e.name)}`);
    assert.ok(typeof e.narrative === 'string' && e.narrative.trim(), `evidence[${i}].narrative is ${JSON.stringify(e.narrative)}`);
    // Only the server under test is contacted (see README).
    assert.equal(new URL(e.id).origin, await origin(), `evidence[${i}].id ${e.id} is not on the server under test`);
    assert.ok(isAwardPath(new URL(e.id).pathname), `evidence[${i}].id ${e.id} is not an award URL ${awardsPrefix}{id}`);
    assert.ok(!seen.has(e.id), `evidence[${i}].id ${e.id} is listed twice`);
    seen.add(e.id);
    const page = await http('GET', e.id, {headers: {Accept: 'text/html, */*'}});
    assert.equal(page.status, 200, `GET ${e.id} (evidence[${i}].id) answered ${page.status}: ${clip(page.text(), 200)}`);
    save(`pathway-evidence-${i}`, page.buf);
  }
});

check('ob3 pathway: the BitstringStatusListCredential of the pathway_award credential is issued by the city issuer and signed by one of its keys', async () => {
  const c = await pathwayCredential();
  const {id: issuer} = await cityIssuerOf(c.json);
  const entries = [].concat(c.json.credentialStatus ?? []).filter(e => [].concat(e?.type ?? []).includes('BitstringStatusListEntry'));
  assert.ok(entries.length, `the credential has no BitstringStatusListEntry (credentialStatus: ${clip(JSON.stringify(c.json.credentialStatus) ?? 'absent', 200)})`);
  const lists = [...new Set(entries.map(e => e.statusListCredential))];
  for (const [i, url] of lists.entries()) {
    assert.ok(typeof url === 'string' && /^https?:\/\//.test(url), `statusListCredential is ${JSON.stringify(url)}`);
    assert.equal(new URL(url).origin, await origin(), `statusListCredential ${url} is not on the server under test`);
    const r = await http('GET', url, {headers: {Accept: 'application/vc+ld+json, application/ld+json;q=0.9'}});
    assert.equal(r.status, 200, `GET ${url} answered ${r.status}: ${clip(r.text(), 200)}`);
    save(`pathway-status-list-${i}.json`, r.buf);
    const list = parseJson(r.text(), `GET ${url}`);
    assert.equal(idOf(list.issuer), issuer, `the status list ${url} is issued by ${JSON.stringify(idOf(list.issuer))}, not the city issuer ${issuer}`);
    const vm = proofOf(list).verificationMethod;
    assert.ok(typeof vm === 'string' && vm.startsWith(`${issuer}#key-`),
      `the status list ${url} is signed by ${JSON.stringify(vm)}, not a key of the city issuer (${issuer}#key-N)`);
  }
});

check('ob3 pathway: Digital Bazaar vc.verifyCredential (safe mode, eddsa-rdfc-2022) verifies the city-issued pathway_award credential, status checked, not revoked', async () => {
  const c = await pathwayCredential();
  const out = await dbVerify(c.json, 'pathway');
  assert.ok(out.safeModeExpansion.ok, `safe-mode JSON-LD expansion failed: ${out.safeModeExpansion.error}`);
  assert.ok(out.proofVerified, `proof not verified: ${out.error}`);
  assert.ok(out.status.present, 'the credential has no credentialStatus');
  assert.ok(out.status.checked, `status not checked: ${describeStatus(out.status.entries)}`);
  assert.ok(!out.status.revoked, `the pathway award reads as revoked: ${describeStatus(out.status.entries)}`);
  assert.ok(out.verified, out.error || 'not verified');
});

check('ob3 pathway: openbadgeslib OB3LdpVerifier (eddsa-rdfc-2022) verifies the city-issued pathway_award credential', async () => {
  const c = await pathwayCredential();
  const out = await obl('verify', c.json, 'pathway');
  assert.ok(out.verified, out.error || 'not verified');
  const {vm} = await cityIssuerOf(c.json);
  assert.equal(out.verificationMethod, vm, `openbadgeslib checked the key ${out.verificationMethod}, not ${vm}`);
});

check('ob3 pathway tamper: Digital Bazaar rejects the pathway_award credential with a changed credentialSubject', async () => {
  await dbPathwayBaseline();
  const out = await dbVerify(tamperSubject((await pathwayCredential()).json), 'tampered-pathway-subject');
  assert.equal(out.proofVerified, false, 'the proof still verified after credentialSubject was changed');
  assert.equal(out.verified, false);
});

check('ob3 pathway tamper: Digital Bazaar rejects the pathway_award credential with a changed achievement name', async () => {
  await dbPathwayBaseline();
  const out = await dbVerify(tamperAchievementName((await pathwayCredential()).json), 'tampered-pathway-achievement-name');
  assert.equal(out.proofVerified, false, 'the proof still verified after credentialSubject.achievement.name was changed');
  assert.equal(out.verified, false);
});

// ------------------------------------------------------------------ revocation
check('api: POST /api/v1/awards/{id}/revoke answers 200', async () => {
  await revoke();
});

const revokedDb = once(async () => {
  await revoke();
  return dbVerify((await credential()).json, 'revoked');
});

check('ob3 revoked: Digital Bazaar BitstringStatusListEntry check (vc-bitstring-status-list) reports revoked', async () => {
  const out = await revokedDb();
  assert.ok(out.proofVerified, `proof not verified (so the status was not checked): ${out.error}`);
  const e = out.status.entries.filter(x => x.type === 'BitstringStatusListEntry');
  assert.ok(e.length, 'the credential has no BitstringStatusListEntry');
  assert.ok(e.every(x => x.checked), `not checked: ${describeStatus(e)}`);
  assert.ok(e.some(x => x.revoked), `the status bit is not set after revocation: ${describeStatus(e)}`);
});

check('ob3 revoked: Digital Bazaar 1EdTechRevocationList check reports revoked', async () => {
  const out = await revokedDb();
  assert.ok(out.proofVerified, `proof not verified (so the status was not checked): ${out.error}`);
  const e = out.status.entries.filter(x => x.type === '1EdTechRevocationList');
  assert.ok(e.length, 'the credential has no 1EdTechRevocationList credentialStatus');
  assert.ok(e.every(x => x.checked), `not checked: ${describeStatus(e)}`);
  assert.ok(e.some(x => x.revoked), `the credential id is not in revokedCredentials after revocation: ${describeStatus(e)}`);
});

check('ob3 revoked: vc.verifyCredential no longer verifies the revoked credential though its proof still does', async () => {
  const out = await revokedDb();
  assert.ok(out.proofVerified, `proof not verified: ${out.error}`);
  assert.equal(out.verified, false, 'the revoked credential still verifies');
  assert.ok(out.status.revoked, `status: ${describeStatus(out.status.entries)}`);
});

check('ob3 revoked: openbadgeslib reads the BitstringStatusList as revoked', async () => {
  await revoke();
  const out = await obl('status', (await credential()).json, 'status-revoked');
  assert.ok(out.checked, out.error || 'status not checked');
  assert.ok(out.revoked, 'openbadgeslib reads the credential as not revoked');
});

check('ob2 revoked: assertion_url answers HTTP 410 with {"revoked": true}', async () => {
  await revoke();
  const url = await awardUrl('assertion_url');
  const r = await http('GET', url, {headers: {Accept: 'application/ld+json, application/json'}});
  assert.equal(r.status, 410, `GET ${url} answered ${r.status} after revocation: ${clip(r.text(), 200)}`);
  const body = parseJson(r.text(), `the 410 body of ${url}`);
  assert.equal(body.revoked, true, `the 410 body is ${clip(JSON.stringify(body), 200)}`);
});
