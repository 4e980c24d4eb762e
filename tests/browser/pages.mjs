// Every page, as each person who uses it, at phone and desktop width: no sideways scrolling,
// no serious axe-core violation, and a navigation that offers only what that person may open.
//
// Run by scripts/test beside thin_path.mjs, against the running demo.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT_MS, demo, city, account, withPage, open, signIn, checkPage } from './lib.mjs';

const WIDTHS = [390, 1280];
const badge = demo.badges[0];

// The pages of each person; `null` is a visitor who is not signed in.
const PAGES = [
  [null, ['/', `/c/${city}`, `/c/${city}/activities`, `/c/${city}/badges/${badge.slug}`, '/signin', `/c/${city}/signup`, '/verify']],
  ['youth', [`/c/${city}/me`, `/c/${city}/claim`, '/me']],
  ['parent', ['/me', `/c/${city}`]],
  ['org_admin', ['/me', `/c/${city}/orgs/${badge.org}`, `/c/${city}/orgs/${badge.org}/activities/new`, `/c/${city}/orgs/${badge.org}/badges/new`]],
  ['coordinator', [`/c/${city}/dashboard`, `/c/${city}/orgs`, `/c/${city}/audit`]],
  ['operator', ['/admin/keys', '/admin/audit']],
];

for (const [role, paths] of PAGES) {
  for (const width of WIDTHS) {
    test(`${role ?? 'visitor'} pages at ${width} px scroll only downwards and pass axe-core`, { timeout: TEST_TIMEOUT_MS * 2 }, async (t) => {
      await withPage(t, { viewport: { width, height: 900 } }, async (page) => {
        if (role) await signIn(page, account(role));
        for (const p of paths) {
          await open(page, p);
          await checkPage(t, page, `${role ?? 'visitor'}${p}`);
        }
      });
    });
  }
}

// Every link of the navigation opens for the person it is shown to: no "Redeem" that ends in 403.
for (const role of [null, 'youth', 'parent', 'mentor', 'org_admin', 'coordinator', 'operator']) {
  test(`the navigation of ${role ?? 'a visitor'} leads only to pages they may open`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
    await withPage(t, { viewport: { width: 1280, height: 900 } }, async (page) => {
      if (role) await signIn(page, account(role));
      await open(page, `/c/${city}`);
      const hrefs = await page.locator('.menu-wide a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(hrefs.length > 0, 'the navigation has no links');
      for (const href of new Set(hrefs)) {
        const resp = await page.request.get(new URL(href, page.url()).toString(), { maxRedirects: 0 });
        assert.ok(resp.status() < 400, `${role ?? 'visitor'}: navigation link ${href} answered ${resp.status()}`);
      }
      if (role === 'parent') {
        assert.ok(!hrefs.some((h) => h.endsWith('/claim')), 'a parent is offered "Redeem a code"');
      }
      if (role === 'youth') {
        assert.ok(hrefs.some((h) => h.endsWith('/claim')), 'a youth is not offered "Redeem a code"');
      }
    });
  });
}
