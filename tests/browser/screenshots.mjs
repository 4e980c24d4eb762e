// Screenshots of pages as each person sees them, at phone (390 px) and desktop (1280 px) widths,
// for looking at before a change is called done. Not a test: it asserts nothing and is not run
// by scripts/test.
//
//   LANYARD_DEMO_JSON=demo.json node tests/browser/screenshots.mjs OUT_DIR role:/path [role:/path ...]
//
// `role` is a demo account role (youth, parent, mentor, org_admin, coordinator, operator) or
// `anonymous`; `{city}` in a path is replaced by the demo's city.

import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [outDir, ...shots] = process.argv.slice(2);
if (!outDir || shots.length === 0) {
  console.error('usage: screenshots.mjs OUT_DIR role:/path ...');
  process.exit(2);
}
const text = readFileSync(process.env.LANYARD_DEMO_JSON, 'utf8');
const demo = JSON.parse(text.split(/\r?\n/).find((l) => l.trim().startsWith('{')));
const base = String(demo.base_url).replace(/\/+$/, '');
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.LANYARD_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function signIn(page, role) {
  const account = demo.accounts.find((a) => a.role === role || a.username === role);
  if (!account) throw new Error(`no demo account ${role}`);
  await page.goto(`${base}/signin`);
  await page.fill('input[name=username]', account.username);
  await page.fill('input[name=password]', account.password);
  await Promise.all([page.waitForLoadState('load'), page.click('form[action="/signin"] button[type=submit]')]);
}

for (const shot of shots) {
  const [role, ...rest] = shot.split(':');
  const target = rest.join(':').replaceAll('{city}', demo.city);
  for (const width of [390, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    if (role !== 'anonymous') await signIn(page, role);
    const response = await page.goto(`${base}${target}`);
    const name = `${role}${target.replace(/[^a-z0-9]+/gi, '_')}-${width}.png`;
    await page.screenshot({ path: path.join(outDir, name), fullPage: true });
    console.log(`${response?.status()} ${path.join(outDir, name)}`);
    await context.close();
  }
}
await browser.close();
