// The reference figure for docs/PERFORMANCE.md: how many Open Badges 3.0 credentials per second
// the Digital Bazaar stack (the one most wallets use) signs with eddsa-rdfc-2022 on this machine,
// one process, the same credential Lanyard's criterion benchmark signs.
//   node tests/interop/bench_node_sign.mjs [COUNT]     (after npm ci in tests/interop)
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {BUNDLED_CONTEXTS} from './lib/loader.mjs';

const count = Number(process.argv[2] || 500);
const fixture = new URL('../fixtures/credentials/ob3-credential.json', import.meta.url);
const credential = JSON.parse(readFileSync(fixture, 'utf8'));
delete credential.proof;

const key = await Ed25519Multikey.generate({seed: new Uint8Array(32).fill(7)});
key.controller = credential.issuer.id;
key.id = `${credential.issuer.id}#key-1`;
const documentLoader = async (url) => {
  if (BUNDLED_CONTEXTS.has(url)) return {contextUrl: null, documentUrl: url, document: BUNDLED_CONTEXTS.get(url)};
  throw new Error(`refusing to load ${url}`);
};
const suite = () => new DataIntegrityProof({signer: key.signer(), cryptosuite});

// Warm up, then measure.
for (let i = 0; i < 20; i++) await vc.issue({credential: structuredClone(credential), suite: suite(), documentLoader});
const started = process.hrtime.bigint();
for (let i = 0; i < count; i++) await vc.issue({credential: structuredClone(credential), suite: suite(), documentLoader});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`digital bazaar vc.issue eddsa-rdfc-2022: ${count} credentials in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(0)} credentials/s`);
