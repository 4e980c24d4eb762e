// A partner's whole way in, at phone width: an organization applies, the coordinator approves
// it, its admin invites a mentor who joins from the e-mail (read in the operator's mail viewer),
// the admin designs a badge and publishes an activity leading to it, in English and Spanish,
// and a visitor finds the activity in the catalog by search and by filter.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT_MS, city, account, withPage, open, submit, pathname, signIn, norm, checkPage } from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const stamp = Date.now().toString(36);
const orgName = `Harbor Kite Museum ${stamp}`;
const admin = { username: `kiteadmin${stamp}`, password: `kite-admin-${stamp}-pw`, email: `kiteadmin-${stamp}@example.org` };
const mentor = { username: `kitementor${stamp}`, password: `kite-mentor-${stamp}-pw`, email: `kitementor-${stamp}@example.org` };
// A word no demo activity uses, so the search finds exactly ours.
const word = `Zephyrkites${stamp}`;
const activityTitle = `${word} workshop`;
const badgeName = `Kite Flyer ${stamp}`;

async function fill(page, form, values) {
  for (const [name, value] of Object.entries(values)) {
    const field = page.locator(`${form} [name="${name}"]`).first();
    const tag = await field.evaluate((e) => e.tagName.toLowerCase());
    const type = await field.getAttribute('type');
    if (tag === 'select') await field.selectOption(value);
    else if (type === 'checkbox' || type === 'radio') await page.locator(`${form} [name="${name}"][value="${value}"]`).check();
    else await field.fill(value);
  }
}

test('an organization applies, is approved, invites a mentor by e-mail and publishes an activity that a visitor finds', { timeout: TEST_TIMEOUT_MS * 4 }, async (t) => {
  let orgPath;

  // 1. A museum applies, creating its staff account on the way.
  await withPage(t, PHONE, async (page) => {
    await open(page, `/c/${city}/partners/apply`);
    await page.locator('#signup-as-staff').click();
    await page.waitForLoadState('load');
    await page.locator('form#signup-form [name=kind][value=staff]').check();
    await fill(page, 'form#signup-form', {
      display_name: 'Kite Museum Admin',
      username: admin.username,
      email: admin.email,
      password: admin.password,
    });
    await submit(page, 'form#signup-form');
    assert.equal(pathname(page), `/c/${city}/partners/apply`, 'sign-up should come back to the application');
    await checkPage(t, page, 'journey-apply');
    await fill(page, 'form#apply-form', {
      name: orgName,
      kind: 'museum',
      address: '1 Harbor Way',
      website: 'https://kites.example.org',
      contact_email: admin.email,
      description: 'Kites, wind and flight for young makers.',
    });
    await submit(page, 'form#apply-form');
    assert.match(norm(await page.locator('main').innerText()), /pending|waiting|review/i, 'the applicant is told the application waits');
  });

  // 2. The coordinator approves it with a message.
  await withPage(t, PHONE, async (page) => {
    await signIn(page, account('coordinator'));
    await open(page, `/c/${city}/partners`);
    await checkPage(t, page, 'journey-review-queue');
    await page.locator('main a', { hasText: orgName }).first().click();
    await page.waitForLoadState('load');
    await page.locator('form#approve-form [name=message]').fill('Welcome aboard!');
    await submit(page, 'form#approve-form');
    assert.match(norm(await page.locator('main').innerText()), /approved/i, 'the application shows as approved');
  });

  // 3. The new admin invites a mentor by e-mail.
  await withPage(t, PHONE, async (page) => {
    await signIn(page, { ...admin, role: 'new admin' });
    await open(page, `/c/${city}`);
    const link = page.locator('.menu-phone a', { hasText: orgName });
    orgPath = new URL(await link.first().getAttribute('href'), page.url()).pathname;
    await open(page, orgPath);
    await checkPage(t, page, 'journey-org');
    await fill(page, 'form#invite-form', { email: mentor.email, role: 'mentor' });
    await submit(page, 'form#invite-form');
  });

  // 4. The invitation e-mail, read in the operator's mail viewer, brings the mentor in.
  let joinUrl;
  await withPage(t, PHONE, async (page) => {
    await signIn(page, account('operator'));
    await open(page, `/admin/mail?to=${encodeURIComponent(mentor.email)}`);
    await page.locator('main a[href^="/admin/mail/"]').first().click();
    await page.waitForLoadState('load');
    await checkPage(t, page, 'journey-mail');
    const hrefs = await page.locator('main a').evaluateAll((as) => as.map((a) => a.href));
    joinUrl = hrefs.find((h) => h.includes('/join/'));
    assert.ok(joinUrl, `no /join/ link in the mail: ${hrefs.join(' ')}`);
  });
  await withPage(t, PHONE, async (page) => {
    await page.goto(joinUrl);
    await checkPage(t, page, 'journey-join');
    await fill(page, 'form#join-form', { display_name: 'Kite Mentor', username: mentor.username, password: mentor.password });
    await submit(page, 'form#join-form');
    await open(page, orgPath);
    assert.ok(norm(await page.locator('h1').first().innerText()).includes(orgName), 'the mentor opens the organization page');
  });

  // 5. The admin designs a badge and publishes an activity that leads to it, with Spanish text.
  await withPage(t, PHONE, async (page) => {
    await signIn(page, { ...admin, role: 'new admin' });
    await open(page, `${orgPath}/badges/new`);
    await fill(page, 'form#badge-form', {
      name: badgeName,
      description: 'Built and flew a kite.',
      criteria: 'Build a kite from the kit and fly it for one minute.',
    });
    await page.locator('form#badge-form [name=shape]').first().check().catch(async () => {
      await page.locator('form#badge-form [name=shape]').selectOption({ index: 1 });
    });
    await page.locator('form#badge-form button[name=preview], form#badge-form button[value=preview]').first().click();
    await page.waitForLoadState('load');
    await checkPage(t, page, 'journey-badge-preview');
    assert.ok((await page.locator('main img').count()) > 0, 'the preview shows the designed badge');
    await page.locator('form#badge-form button[value=save]').click();
    await page.waitForLoadState('load');
    assert.ok(!page.url().endsWith('/badges/new') && !page.url().endsWith('/badges'), `saving the badge stayed on ${page.url()}`);

    await open(page, `${orgPath}/activities/new`);
    await checkPage(t, page, 'journey-activity-form');
    const category = await page.locator('form#activity-form [name=category] option:not([value=""])').first().getAttribute('value');
    await fill(page, 'form#activity-form', {
      title: activityTitle,
      description: 'Build a kite and fly it on the lakefront.',
      title_es: `Taller ${word}`,
      description_es: 'Construye una cometa y vuélala junto al lago.',
      category,
      starts_on: '2027-07-06',
      ends_on: '2027-07-30',
      age_min: '8',
      age_max: '14',
      cost: 'free',
      address: 'Lakefront Park, 1 Harbor Way',
    });
    await page.locator('form#activity-form input[type=checkbox][name^=badge_]').first().check();
    await submit(page, 'form#activity-form');
    await page.locator('form[action$="/publish"] button').click();
    await page.waitForLoadState('load');
    t.diagnostic(`activity published at ${page.url()} in category ${category}`);

    // 6. A visitor finds it by search and by filter, on a phone.
    await withPage(t, PHONE, async (visitor) => {
      await open(visitor, `/c/${city}/activities`);
      await visitor.locator('#f-q').fill(word.toLowerCase());
      await submit(visitor, 'form#finder');
      const titles = (await visitor.locator('main .result-title').allInnerTexts()).map(norm);
      assert.ok(titles.includes(activityTitle), `search "${word}" found ${JSON.stringify(titles)}`);
      await checkPage(t, visitor, 'journey-catalog-search');

      await open(visitor, `/c/${city}/activities?category=${encodeURIComponent(category)}&free=1`);
      const filtered = (await visitor.locator('main .result-title').allInnerTexts()).map(norm);
      assert.ok(filtered.includes(activityTitle), `category filter found ${JSON.stringify(filtered)}`);

      await open(visitor, `/c/${city}/activities?q=${encodeURIComponent(word)}`);
      await visitor.locator('main .result-title a').first().click();
      await visitor.waitForLoadState('load');
      assert.ok(norm(await visitor.locator('h1').innerText()).includes(activityTitle));
      assert.ok((await visitor.locator('main a', { hasText: badgeName }).count()) > 0, 'the activity page names its badge');
      await checkPage(t, visitor, 'journey-activity');
    });
    await withPage(t, { ...PHONE, locale: 'es-US', extraHTTPHeaders: { 'Accept-Language': 'es' } }, async (visitor) => {
      await open(visitor, `/c/${city}/activities?q=${encodeURIComponent('cometa')}`);
      const titles = (await visitor.locator('main .result-title').allInnerTexts()).map(norm);
      assert.ok(titles.includes(`Taller ${word}`), `Spanish search found ${JSON.stringify(titles)}`);
    });
  });
});
