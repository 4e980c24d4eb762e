// A city's first day, at phone width: the operator creates a city and invites its
// coordinator, the invitation is read in the operator's mail viewer, the coordinator joins from
// it, brands the city with a logo, and a visitor sees the logo beside the city's name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_TIMEOUT_MS, account, withPage, open, submit, pathname, signIn, norm, checkPage } from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const stamp = Date.now().toString(36);
const slug = `bayview${stamp}`;
const cityName = `Bayview ${stamp}`;
const coordinator = { username: `bay${stamp}`, password: `bayview-${stamp}-password`, email: `coordinator-${stamp}@bayview.example` };
const LOGO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'city-logo.svg');

test('the operator creates a city, its coordinator joins from the e-mail and gives it a logo', { timeout: TEST_TIMEOUT_MS * 3 }, async (t) => {
  // 1. The operator's home leads to the cities; a new city is made and its coordinator invited.
  await withPage(t, PHONE, async (page) => {
    await signIn(page, account('operator'));
    await open(page, '/admin');
    await checkPage(t, page, 'launch-admin');
    await page.locator('main a[href="/admin/cities"]').first().click();
    await page.waitForLoadState('load');
    assert.equal(pathname(page), '/admin/cities');
    const form = 'form#city-form';
    await page.locator(`${form} [name=slug]`).fill(slug);
    await page.locator(`${form} [name=name]`).fill(cityName);
    await page.locator(`${form} [name=tagline]`).fill('Summer by the bay');
    await page.locator(`${form} [name=lang_es]`).check();
    await page.locator(`${form} [name=coordinator_email]`).fill(coordinator.email);
    await submit(page, form);
    assert.ok(norm(await page.locator('#city-list').innerText()).includes(cityName), 'the new city is listed');
    await checkPage(t, page, 'launch-cities');
  });

  // 2. The invitation, read in the mail viewer.
  let joinUrl;
  await withPage(t, PHONE, async (page) => {
    await signIn(page, account('operator'));
    await open(page, `/admin/mail?to=${encodeURIComponent(coordinator.email)}`);
    await page.locator('main a[href^="/admin/mail/"]').first().click();
    await page.waitForLoadState('load');
    assert.ok(norm(await page.locator('main').innerText()).includes(cityName), 'the message names the city');
    await checkPage(t, page, 'launch-mail');
    const hrefs = await page.locator('main a').evaluateAll((as) => as.map((a) => a.href));
    joinUrl = hrefs.find((h) => h.includes('/join/'));
    assert.ok(joinUrl, `no /join/ link in the mail: ${hrefs.join(' ')}`);
  });

  // 3. The coordinator joins, lands on the city's dashboard and uploads a logo.
  await withPage(t, PHONE, async (page) => {
    await page.goto(joinUrl);
    await checkPage(t, page, 'launch-join');
    const form = 'form#join-form';
    await page.locator(`${form} [name=display_name]`).fill('Bay Coordinator');
    await page.locator(`${form} [name=username]`).fill(coordinator.username);
    await page.locator(`${form} [name=email]`).fill(coordinator.email);
    await page.locator(`${form} [name=password]`).fill(coordinator.password);
    await submit(page, form);
    assert.equal(pathname(page), `/c/${slug}/dashboard`);
    await open(page, `/c/${slug}/settings`);
    assert.equal(await page.locator('#logo-none').count(), 1, 'no logo yet');
    await page.locator('#f-logo').setInputFiles(LOGO);
    await submit(page, 'form#logo-form');
    assert.equal(pathname(page), `/c/${slug}/settings`);
    assert.match(norm(await page.locator('.flash').innerText()), /logo/i);
    await page.locator('#logo-current').waitFor();
    const loaded = await page.locator('#logo-current').evaluate((img) => img.complete && img.naturalWidth > 0);
    assert.ok(loaded, 'the preview shows the uploaded logo');
    await checkPage(t, page, 'launch-settings');
  });

  // 4. A visitor sees the city with its logo in the header and on its home page.
  await withPage(t, PHONE, async (page) => {
    await open(page, `/c/${slug}`);
    assert.equal(norm(await page.locator('#city-title').innerText()), cityName);
    assert.equal(await page.locator('#no-activities').count(), 1, 'a city without activities says they are coming, not "Browse 0"');
    const header = await page.locator('.site-header .brand').evaluate((a) => getComputedStyle(a, '::before').backgroundImage);
    assert.ok(header.includes(`/c/${slug}/logo`), `the header draws the logo: ${header}`);
    const hero = await page.locator('img.hero-logo').evaluate((img) => img.complete && img.naturalWidth > 0);
    assert.ok(hero, 'the home page shows the logo');
    await checkPage(t, page, 'launch-city');
  });
});
