// Thin-path browser tests for Lanyard.
//
// Run by scripts/test as:  LANYARD_DEMO_JSON=path/to/demo.json node --test thin_path.mjs
// where demo.json is the stdout of `lanyard demo --port PORT --data DIR --json`
// (one JSON object on one line) and the demo server is still running.
//
// Drives Debian's chromium (/usr/bin/chromium) through playwright-core; no
// browser download is needed. Screenshots go to a fresh temp dir (or to
// $LANYARD_ARTIFACTS_DIR when set); their paths are printed as diagnostics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  TEST_TIMEOUT_MS, demo, city, url, account, artifactsDir, withPage, open, submit, pathname, signIn, norm, checkPage,
} from './lib.mjs';

// Claim codes are handed out one per redeeming test, in order, skipping any the
// demo marks as already used.
const freshCodes = demo.claim_codes.filter((c) => !c.used && !c.redeemed && !c.used_at && !c.redeemed_at);
// One youth redeems them all, so each test gets a code of a badge not taken yet.
const takenBadges = new Set();
function takeClaimCode(accept = () => true) {
  const i = freshCodes.findIndex((c) => !takenBadges.has(c.badge) && accept(c));
  const c = i >= 0 ? freshCodes.splice(i, 1)[0] : undefined;
  if (c) takenBadges.add(c.badge);
  if (!c) throw new Error('demo JSON has no unused claim code left');
  const badge = demo.badges.find((b) => b.slug === c.badge);
  if (!badge) throw new Error(`claim code ${c.code} names badge "${c.badge}", which is not in demo.badges`);
  return { code: c.code, badge };
}

// ------------------------------------------------------------------- tests

test('youth signs in, redeems a claim code, sees the badge on /me and its public page', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withPage(t, { viewport: { width: 1280, height: 800 } }, async (page) => {
    const youth = account('youth');
    const { code, badge } = takeClaimCode();

    await signIn(page, youth);

    await open(page, `/c/${city}/claim`);
    await page.locator('form#claim-form input[name=code]').fill(code);
    await submit(page, 'form#claim-form');
    assert.ok(pathname(page).startsWith(`/c/${city}/awards/`), `redeeming ${code} should land on the new award: ${page.url()}`);
    assert.equal(await page.locator('#celebrate').count(), 1, 'the award page celebrates it');

    const status = page.locator('[role=status]');
    assert.ok((await status.count()) > 0, 'no [role=status] flash after redemption');
    assert.ok(norm(await status.first().innerText()).length > 0, 'the [role=status] flash is empty');
    await checkPage(t, page, 'earned');

    await open(page, `/c/${city}/me`);

    const names = (await page.locator('.badge-card .badge-name').allInnerTexts()).map(norm);
    assert.ok(names.includes(norm(badge.name)), `"${badge.name}" not among /me badges: ${JSON.stringify(names)}`);

    const shot = path.join(artifactsDir, 'me.png');
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot of /c/${city}/me: ${shot}`);

    await open(page, `/c/${city}/badges/${badge.slug}`);
    const h1 = page.locator('h1');
    assert.ok((await h1.count()) > 0, 'badge page has no h1');
    assert.ok(norm(await h1.first().innerText()).includes(norm(badge.name)), `badge page h1 "${await h1.first().innerText()}" lacks "${badge.name}"`);
  });
});

test('the locale form switches the page to Spanish', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withPage(t, { viewport: { width: 1280, height: 800 } }, async (page) => {
    await open(page, '/signin');
    const lang = () => page.locator('html').getAttribute('lang');
    assert.match((await lang()) ?? '', /^en\b/i, 'default <html lang> should be en');

    await page.locator('form#locale-form select[name=locale]').selectOption('es');
    await submit(page, 'form#locale-form');
    assert.equal(await lang(), 'es', `<html lang> after switching (at ${page.url()})`);

    // The choice sticks for the next page.
    await open(page, '/signin');
    assert.equal(await lang(), 'es', '<html lang> on the next page after switching');
  });
});

test('phone viewport (375x667): sign-in page has no horizontal scroll', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withPage(t, { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true }, async (page) => {
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);

    await open(page, '/signin');
    for (const sel of ['input[name=username]', 'input[name=password]', 'button[type=submit]']) {
      assert.ok(await page.locator(`form#signin-form ${sel}`).isVisible(), `${sel} not visible at 375px`);
    }
    assert.ok((await width()) <= 375, `/signin scrollWidth ${await width()} > 375`);

    const shot = path.join(artifactsDir, 'signin-375.png');
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot of /signin at 375x667: ${shot}`);

    // Public badge page too (no sign-in needed).
    const badge = demo.badges[0];
    if (badge) {
      await open(page, `/c/${city}/badges/${badge.slug}`);
      assert.ok((await width()) <= 375, `badge page scrollWidth ${await width()} > 375`);
    }
  });
});

test('a youth downloads the baked badge, the verify page says valid, and revoked once the org revokes it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  // In the demo the first org_admin account runs the first organization.
  const org = demo.orgs[0].slug;
  const { code, badge } = takeClaimCode((c) => demo.badges.find((b) => b.slug === c.badge)?.org === org);
  let awardUrl;
  await withPage(t, { viewport: { width: 1280, height: 800 }, acceptDownloads: true }, async (page) => {
    await signIn(page, account('youth'));
    await open(page, `/c/${city}/claim`);
    await page.locator('form#claim-form input[name=code]').fill(code);
    await submit(page, 'form#claim-form');
    await open(page, `/c/${city}/badges/${badge.slug}`);
    const loaded = page.waitForEvent('load');
    await page.locator(`a[href^="/c/${city}/awards/"]`).first().click();
    await loaded;
    awardUrl = page.url();
    assert.match(pathname(page), new RegExp(`^/c/${city}/awards/[0-9a-f-]{36}$`));

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#download-badge').click(),
    ]);
    const file = path.join(artifactsDir, 'baked.png');
    await download.saveAs(file);

    await open(page, '/verify');
    await page.setInputFiles('form#verify-form input[name=file]', file);
    await submit(page, 'form#verify-form');
    const verdict = page.locator('#verdict');
    assert.equal(await verdict.getAttribute('data-verdict'), 'valid', `verdict for the baked PNG: ${norm(await verdict.innerText())}`);
    const shot = path.join(artifactsDir, 'verify-valid.png');
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot of the verdict: ${shot}`);
  });
  await withPage(t, { viewport: { width: 1280, height: 800 } }, async (page) => {
    await signIn(page, account('org_admin'));
    await page.goto(awardUrl, { waitUntil: 'load' });
    await page.locator('form#revoke-form textarea[name=reason]').fill('Awarded by mistake');
    await submit(page, 'form#revoke-form');
    assert.ok(norm(await page.locator('main').innerText()).includes('Awarded by mistake'), 'the award page shows the reason');

    await open(page, `/verify?url=${encodeURIComponent(awardUrl)}`);
    const verdict = page.locator('#verdict');
    assert.equal(await verdict.getAttribute('data-verdict'), 'revoked', `verdict after revocation: ${norm(await verdict.innerText())}`);
  });
});
