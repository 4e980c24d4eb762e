// The path of a child under 13, at phone width: the child signs up naming a parent; the parent
// reads the consent e-mail in the operator's mail viewer, creates a parent account from its
// link and consents; the child earns a first badge, whose public page stays private until the
// parent lets it show; then, with the server's clock set forward three years (not by sleeping),
// the child, now 13, asks to take over the account, the parent consents, and the child's
// badge is theirs alone. Runs last of the browser tests: it moves the server's clock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS, demo, city, url, account, withPage, open, submit, pathname, signIn, norm, checkPage,
} from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const stamp = Date.now().toString(36);
const child = { username: `rosa${stamp}`, password: `rosa-${stamp}-first-pw`, role: 'new child' };
const parent = {
  username: `rosaparent${stamp}`,
  password: `rosa-parent-${stamp}-pw`,
  email: `rosa-parent-${stamp}@example.org`,
  role: 'new parent',
};

// Ten years and a hundred days old today: 13 within three years.
function birthDate() {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - 10);
  d.setUTCDate(d.getUTCDate() - 100);
  return d.toISOString().slice(0, 10);
}

// A code no other browser test takes (they take the first of a badge, or the last star-gazer).
function claimCode() {
  const badge = demo.badges.find((b) => b.slug !== 'star-gazer' && b.slug !== 'comic-creator');
  const codes = demo.claim_codes.filter((c) => c.badge === badge.slug);
  assert.ok(codes.length >= 4, `the demo has too few codes of ${badge.slug}`);
  return { code: codes[3].code, badge };
}

async function fill(page, form, values) {
  for (const [name, value] of Object.entries(values)) {
    await page.locator(`${form} [name="${name}"]`).first().fill(value);
  }
}

test('a child under 13: consent from the e-mail, a first badge the parent lets show, the handoff at 13', { timeout: TEST_TIMEOUT_MS * 4 }, async (t) => {
  // 1. The child signs up, naming a parent, and waits.
  await withPage(t, PHONE, async (page) => {
    await open(page, `/c/${city}/signup`);
    await checkPage(t, page, 'u13-signup');
    await page.locator('form#signup-form input[name=kind][value=youth]').check();
    await fill(page, 'form#signup-form', {
      display_name: 'Rosa',
      username: child.username,
      birth_date: birthDate(),
      parent_email: parent.email,
      password: child.password,
    });
    await submit(page, 'form#signup-form');
    await open(page, `/c/${city}/me`);
    assert.equal(await page.locator('#consent').count(), 1, 'the child waits for a parent');
    await checkPage(t, page, 'u13-waiting');
  });

  // 2. The consent e-mail, in the operator's mail viewer.
  let consentUrl;
  await withPage(t, PHONE, async (page) => {
    await signIn(page, account('operator'));
    await open(page, `/admin/mail?to=${encodeURIComponent(parent.email)}`);
    await page.locator('main a[href^="/admin/mail/"]').first().click();
    await page.waitForLoadState('load');
    const hrefs = await page.locator('main a').evaluateAll((as) => as.map((a) => a.href));
    consentUrl = hrefs.find((h) => h.includes('/consent/'));
    assert.ok(consentUrl, `no /consent/ link in the mail: ${hrefs.join(' ')}`);
  });

  // 3. The parent reads what Lanyard collects, makes an account there and consents.
  await withPage(t, PHONE, async (page) => {
    await page.goto(consentUrl);
    await checkPage(t, page, 'u13-consent');
    await fill(page, 'form#consent-signup-form', {
      display_name: 'Ines',
      username: parent.username,
      email: parent.email,
      password: parent.password,
    });
    await page.locator('form#consent-signup-form input[name=agree]').check();
    await submit(page, 'form#consent-signup-form');
    await open(page, `/c/${city}/me`);
        assert.ok((await page.locator('main').innerText()).includes('Rosa'), 'the parent sees the child');
  });

  // 4. The child earns a first badge; its public page is private to a visitor.
  const { code, badge } = claimCode();
  let awardPath;
  await withPage(t, PHONE, async (page) => {
    await signIn(page, child);
    await open(page, `/c/${city}/claim`);
    await page.locator('form#claim-form input[name=code]').fill(code);
    await submit(page, 'form#claim-form');
    assert.ok(pathname(page).startsWith(`/c/${city}/awards/`), `the code leads to the award: ${page.url()}`);
    awardPath = pathname(page);
    await open(page, `/c/${city}/me`);
    const names = (await page.locator('.badge-card .badge-name').allInnerTexts()).map(norm);
    assert.ok(names.includes(norm(badge.name)), `"${badge.name}" on the child's page: ${names}`);
    assert.equal(await page.locator('#my-summer').count(), 1, 'the child sees their summer');
    await checkPage(t, page, 'u13-my-summer');
  });
  await withPage(t, PHONE, async (page) => {
    const response = await page.goto(url(awardPath));
    assert.equal(response.status(), 404, 'a visitor finds the badge private');
    assert.ok((await page.locator('h1').innerText()).includes('private'));
    assert.ok(!(await page.locator('main').innerText()).includes('Rosa'));
    await checkPage(t, page, 'u13-private-award');
  });

  // 5. The parent sees the badge and lets its page show.
  await withPage(t, PHONE, async (page) => {
    await signIn(page, parent);
    await open(page, `/c/${city}/me`);
    const names = (await page.locator('section.child .badge-card .badge-name').allInnerTexts()).map(norm);
    assert.ok(names.includes(norm(badge.name)), `the parent sees "${badge.name}": ${names}`);
    await page.locator('details.child-display summary').first().click();
    await checkPage(t, page, 'u13-parent');
    await submit(page, 'details.child-display form.display-form >> nth=0');
    const status = norm(await page.locator('[role=status]').first().innerText());
    assert.ok(status.includes('now shows on its public page'), status);
  });
  await withPage(t, PHONE, async (page) => {
    await open(page, awardPath);
    assert.ok(norm(await page.locator('#earned-by').innerText()).includes('a learner of'), 'no name shows');
  });

  // 6. Three years later (the server's clock, moved): the child, now 13, takes over.
  await withPage(t, PHONE, async (page) => {
    const moved = await page.request.post(url('/__test/clock'), { data: { days: 1100 } });
    assert.equal(moved.status(), 200, `the test clock moves: ${await moved.text()}`);
  });
  const newPassword = `rosa-${stamp}-my-own-pw`;
  await withPage(t, PHONE, async (page) => {
    await signIn(page, child);
    await open(page, `/c/${city}/me`);
    await page.locator('#handoff-start').click();
    await page.waitForLoadState('load');
    await checkPage(t, page, 'u13-handoff-ask');
    await fill(page, 'form#handoff-form', { password: newPassword });
    await submit(page, 'form#handoff-form');
    await open(page, `/c/${city}/me`);
    assert.equal(await page.locator('#handoff-waiting').count(), 1, 'the request waits for the parent');
  });
  await withPage(t, PHONE, async (page) => {
    await signIn(page, parent);
    await open(page, `/c/${city}/me`);
    await checkPage(t, page, 'u13-handoff-parent');
    await page.locator('form.child-handoff-consent input[name=understood]').check();
    await submit(page, 'form.child-handoff-consent');
    await open(page, `/c/${city}/me`);
    assert.equal(await page.locator('.child-handed-over').count(), 1, 'the parent sees the handoff');
  });
  await withPage(t, PHONE, async (page) => {
    await signIn(page, { ...child, password: newPassword });
    await open(page, `/c/${city}/me`);
    assert.equal(await page.locator('#handoff-done').count(), 1, 'the account is the youth\'s');
    const cards = (await page.locator('#my-badges .badge-card .badge-name').allInnerTexts()).map(norm);
    assert.deepEqual(cards.filter((n) => n === norm(badge.name)), [norm(badge.name)], 'the badge shows once, re-issued');
    await checkPage(t, page, 'u13-handed-over');
  });
});
