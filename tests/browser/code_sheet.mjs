// Claim codes at an event, at phone width: a mentor makes a batch for a session, opens the
// printable sheet (each slip with the badge, the redeem address and a QR code), and a youth who
// scans a slip lands on the claim page with the code filled in and earns the badge.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT_MS, city, account, withPage, open, submit, pathname, signIn, norm, checkPage } from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

test('a mentor prints a code sheet and a youth redeems a slip through its QR link', { timeout: TEST_TIMEOUT_MS * 2 }, async (t) => {
  const codes = `/c/${city}/orgs/library/badges/comic-creator/codes`;
  const stamp = Date.now().toString(36);
  let claimUrl;
  await withPage(t, PHONE, async (page) => {
    await signIn(page, account('mentor'));
    await open(page, codes);
    await checkPage(t, page, 'codes-page');
    await page.locator('#f-count').fill('4');
    await page.locator('#f-site').fill('Main Library, Room 2');
    await submit(page, 'form#codes-form');
    assert.match(pathname(page), /\/codes\/batches\/\d+$/, 'the new batch opens');
    await checkPage(t, page, 'codes-batch');
    await page.locator('a[href$="/print"]').first().click();
    await page.waitForLoadState('load');
    const slips = page.locator('#slips .slip');
    assert.equal(await slips.count(), 4);
    assert.equal(await page.locator('#slips .slip svg').count(), 4, 'a QR code on every slip');
    assert.ok(await page.locator('#print-button').isVisible(), 'the print button shows where scripts run');
    assert.ok(norm(await slips.first().innerText()).includes('Main Library, Room 2'));
    await checkPage(t, page, 'codes-print');
    claimUrl = await slips.first().getAttribute('data-claim-url');
    assert.ok(claimUrl.includes(`/c/${city}/claim?code=`), claimUrl);
  });
  await withPage(t, PHONE, async (page) => {
    // A youth of their own, so that no other test's youth already holds the badge.
    await open(page, `/c/${city}/signup`);
    await page.locator('form#signup-form [name=kind][value=youth]').check();
    await page.locator('form#signup-form [name=display_name]').fill('Scanner');
    await page.locator('form#signup-form [name=username]').fill(`scanner${stamp}`);
    await page.locator('form#signup-form [name=password]').fill(`scanner-${stamp}-password`);
    await page.locator('form#signup-form [name=birth_date]').fill('2010-05-05');
    await submit(page, 'form#signup-form');
    await page.goto(claimUrl);
    const code = claimUrl.split('code=')[1];
    assert.equal(await page.locator('form input[name=code]').inputValue(), code, 'the code is filled in');
    await checkPage(t, page, 'codes-claim');
    await submit(page, 'main form');
    assert.ok(pathname(page).startsWith(`/c/${city}/awards/`), page.url());
    assert.match(norm(await page.locator('#celebrate').innerText()), /Comic Creator/);
  });
});
