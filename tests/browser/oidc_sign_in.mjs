// Signing in through the city's OpenID provider, on the demo started with `--oidc` (scripts/test
// does): Riverton's sign-in page offers "Sign in with Riverton ID", the real oidc-provider asks
// who you are, and Lanyard signs the account with that verified e-mail in. Someone the provider
// knows but Lanyard does not gets a plain message and no account.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS, demo, city, withPage, open, pathname, checkPage, norm,
} from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 } };

// From the city's sign-in page through the provider's own sign-in form, back to Lanyard.
async function throughProvider(page, subject) {
  assert.ok(demo.oidc, 'the demo was not started with --oidc (no "oidc" in its JSON)');
  await open(page, `/signin?next=${encodeURIComponent(`/c/${city}`)}`);
  const button = page.getByRole('link', { name: `Sign in with ${demo.oidc.button}` });
  assert.equal(await button.count(), 1, 'the city sign-in page offers its provider once');
  await button.click();
  await page.waitForURL((u) => u.href.startsWith(demo.oidc.issuer));
  await page.locator('input[name=sub]').fill(subject);
  const back = page.waitForURL((u) => !u.href.startsWith(demo.oidc.issuer));
  await page.locator('button[type=submit]').click();
  await back;
  await page.waitForLoadState('load');
}

test('a mentor signs in through Riverton ID and lands in the city, signed in', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withPage(t, PHONE, async (page) => {
    await throughProvider(page, 'mentor');
    assert.equal(pathname(page), `/c/${city}`, `the sign-in should return to the city: ${page.url()}`);
    assert.ok((await page.locator('form[action="/signout"]').count()) > 0, 'signed in: a sign-out button');
    await checkPage(t, page, 'oidc-signed-in');
    // The session is the mentor's: their organization's review queue opens.
    await open(page, `/c/${city}/orgs/library`);
    assert.equal(await page.locator('#review-queue').count(), 1, 'the mentor sees their review queue');
  });
});

test('someone with no Lanyard account is told so, and nothing is created', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withPage(t, PHONE, async (page) => {
    await throughProvider(page, 'newcomer');
    assert.equal(pathname(page), '/signin/oidc/callback');
    const problem = norm(await page.locator('#oidc-failure').innerText());
    assert.ok(problem.length > 0, 'the failure says why');
    assert.match(norm(await page.locator('#oidc-email').innerText()), /newcomer@riverton\.example/);
    assert.equal(await page.locator('#oidc-signup').getAttribute('href'), `/c/${city}/signup`);
    assert.equal(await page.locator('form[action="/signout"]').count(), 0, 'nobody is signed in');
    await checkPage(t, page, 'oidc-no-account');
  });
});
