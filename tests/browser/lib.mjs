// Shared helpers of the browser tests: the demo's JSON, one Chromium per test file, a fresh
// context per test that fails on any 5xx and saves a screenshot on failure, sign-in, forms,
// and the page checks every page must pass (no sideways scroll, axe-core without serious
// violations).

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.LANYARD_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ACTION_TIMEOUT_MS = 15_000;
export const TEST_TIMEOUT_MS = 90_000;

// ---------------------------------------------------------------- demo data

export function loadDemo() {
  const file = process.env.LANYARD_DEMO_JSON;
  if (!file) throw new Error('LANYARD_DEMO_JSON is not set (path to the output of `lanyard demo --json`)');
  const text = readFileSync(file, 'utf8');
  const line = text.split(/\r?\n/).find((l) => l.trim().startsWith('{'));
  if (!line) throw new Error(`no JSON object line in ${file}`);
  const demo = JSON.parse(line);
  for (const key of ['base_url', 'city', 'accounts', 'badges', 'claim_codes']) {
    if (!(key in demo)) throw new Error(`demo JSON lacks "${key}"`);
  }
  demo.base_url = String(demo.base_url).replace(/\/+$/, '');
  return demo;
}

export const demo = loadDemo();
export const city = demo.city;
export const url = (p) => `${demo.base_url}${p}`;

export function account(role) {
  const a = demo.accounts.find((x) => x.role === role);
  if (!a) throw new Error(`demo JSON has no account with role "${role}"`);
  return a;
}

// ------------------------------------------------------------------ browser

export const artifactsDir = process.env.LANYARD_ARTIFACTS_DIR
  ? (mkdirSync(process.env.LANYARD_ARTIFACTS_DIR, { recursive: true }), process.env.LANYARD_ARTIFACTS_DIR)
  : mkdtempSync(path.join(tmpdir(), 'lanyard-browser-'));

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  if (browser) await browser.close();
});

// A fresh context (own cookies) per test; collects server errors (5xx) seen by
// the page, and on failure saves a screenshot plus the page URL and text.
export async function withPage(t, opts, fn) {
  const context = await browser.newContext({ locale: 'en-US', ...opts });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  const serverErrors = [];
  page.on('response', (r) => {
    if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  try {
    await fn(page);
    assert.deepEqual(serverErrors, [], 'server answered with 5xx');
  } catch (err) {
    try {
      const shot = path.join(artifactsDir, `FAILED-${t.name.replace(/[^a-z0-9]+/gi, '_')}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      const body = (await page.locator('body').innerText({ timeout: 2000 }).catch(() => '')).slice(0, 1500);
      t.diagnostic(`failure at ${page.url()} (screenshot ${shot})`);
      t.diagnostic(`page text: ${body.replace(/\s+/g, ' ')}`);
      if (serverErrors.length) t.diagnostic(`5xx responses: ${serverErrors.join('; ')}`);
    } catch {
      /* best effort */
    }
    throw err;
  } finally {
    await context.close();
  }
}

export async function open(page, p) {
  const resp = await page.goto(url(p), { waitUntil: 'load' });
  assert.ok(resp, `no response for ${p}`);
  assert.equal(resp.status(), 200, `GET ${p} answered ${resp.status()}`);
  return resp;
}

// Submits a form by its submit button (falls back to requestSubmit() when the
// button is not visible) and waits for the resulting page to load.
export async function submit(page, formSelector) {
  const form = page.locator(formSelector);
  assert.equal(await form.count(), 1, `expected exactly one ${formSelector} on ${page.url()}`);
  const button = form.locator('button[type=submit], input[type=submit], button:not([type])').first();
  const loaded = page.waitForEvent('load');
  if (await button.isVisible()) {
    await button.click();
  } else {
    await form.evaluate((f) => f.requestSubmit());
  }
  await loaded;
}

export function pathname(page) {
  return new URL(page.url()).pathname;
}

export async function signIn(page, who) {
  await open(page, '/signin');
  const form = 'form#signin-form';
  await page.locator(`${form} input[name=username]`).fill(who.username);
  await page.locator(`${form} input[name=password]`).fill(who.password);
  await submit(page, form);
  assert.notEqual(pathname(page), '/signin', `sign-in as ${who.role} "${who.username}" stayed on /signin`);
}

export const norm = (s) => s.replace(/\s+/g, ' ').trim();


const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The checks every page passes: no sideways scrolling at the viewport's width, and axe-core
// finds no serious or critical violation. Saves a screenshot named `name`.
export async function checkPage(t, page, name) {
  const width = page.viewportSize().width;
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= width, `${name} (${page.url()}): scrollWidth ${scroll} > ${width}`);
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = serious.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(text, [], `${name} (${page.url()}): axe-core violations`);
  const shot = path.join(artifactsDir, `${name.replace(/[^a-z0-9]+/gi, '_')}-${width}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot ${shot}`);
}
