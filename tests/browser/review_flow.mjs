// A badge earned by review, end to end: at phone width a youth sends work for Comic Creator
// (a reflection, a link and a photo); at desktop width a mentor of the library finds it in the
// queue and asks for changes (a note is required); the youth reads the note and sends it again;
// the mentor ticks the rubric and approves; the youth sees the badge on /me, opens the evidence
// page and makes it public; a Star Gazer code then completes the city's pathway and the city's own
// badge appears; the parent was told by e-mail; the library admin revokes the award,
// and the youth's and the parent's /me pages show it revoked. The key pages are also checked at
// the other width (the mentor's pages at 390, the youth's at 1280).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import {
  TEST_TIMEOUT_MS, demo, city, account, withPage, open, submit, pathname, signIn, norm, checkPage,
} from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 800 } };

const PHOTO = readFileSync(fileURLToPath(new URL('../fixtures/activity-photo.jpg', import.meta.url)));

// A small valid PNG (w x h, one solid colour), built by hand so the test needs no image files.
function png(w, h, [r, g, b]) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = table[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3).map((_, i) => [r, g, b][i % 3])]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Clicks one particular submit button (e.g. a verdict) and waits for the next page.
async function press(page, selector) {
  const button = page.locator(selector);
  assert.equal(await button.count(), 1, `expected exactly one ${selector} on ${page.url()}`);
  const loaded = page.waitForEvent('load');
  await button.click();
  await loaded;
}

const text = async (page, selector) => norm(await page.locator(selector).first().innerText());

// Signs in as `who` in a context of its own and checks the page at `p` under `name`.
async function alsoAt(t, opts, who, p, name, extra = async () => {}) {
  await withPage(t, opts, async (page) => {
    await signIn(page, who);
    await open(page, p);
    await extra(page);
    await checkPage(t, page, name);
  });
}

test('a youth sends work, a mentor asks for changes then approves, the admin revokes the award', { timeout: TEST_TIMEOUT_MS * 6 }, async (t) => {
  const youth = account('youth');
  const parent = account('parent');
  const mentor = account('mentor');
  const librarian = account('org_admin');
  assert.equal(librarian.username, 'librarian', 'the first org_admin of the demo runs the library');

  const badgePage = `/c/${city}/badges/comic-creator`;
  const submitPage = `${badgePage}/submit`;
  const queue = `/c/${city}/orgs/library/reviews`;
  const stamp = Date.now().toString(36);
  const firstReflection = `My comic "Rain Robot" (${stamp}): four pages about a robot afraid of the rain. Inking was the hardest part.`;
  const note = `Lovely start! Please add the last page's lettering and tell us how you planned the panels (${stamp}).`;
  const secondReflection = `${firstReflection} I added the lettering on page four and planned the panels with thumbnails first.`;
  const reason = `Sent by mistake for another learner (${stamp})`;
  let submission; // path of the submission page
  let submissionId;
  let awardPath;

  // The submit form at desktop width first: once work is sent, the form gives way to the submission.
  await alsoAt(t, DESKTOP, youth, submitPage, 'review-submit', async (page) => {
    assert.equal(await page.locator('form#submit-form').count(), 1);
  });

  // ------------------------------------------------------------ the youth sends work (phone)
  await withPage(t, PHONE, async (page) => {
    await signIn(page, youth);
    await open(page, badgePage);
    const link = page.locator('a#submit-work');
    assert.equal(await link.count(), 1, 'the badge page offers to send work');
    assert.ok(await link.isVisible(), 'the "send your work" link is visible at phone width');
    const loaded = page.waitForEvent('load');
    await link.click();
    await loaded;
    assert.equal(pathname(page), submitPage);
    assert.ok((await page.locator('#rubric li').count()) > 0, 'the submit page lists what the mentor checks');
    await checkPage(t, page, 'review-submit');

    const form = 'form#submit-form';
    assert.equal(await page.locator(form).getAttribute('enctype'), 'multipart/form-data');
    await page.locator(`${form} textarea[name=reflection]`).fill(firstReflection);
    await page.locator(`${form} textarea[name=links]`).fill('https://example.org/rain-robot');
    await page.setInputFiles(`${form} input[name=files]`, { name: 'page-one.jpg', mimeType: 'image/jpeg', buffer: PHOTO });
    assert.equal(await page.locator(`${form} input[name=evidence_public]`).isChecked(), false, 'work is private unless the youth says otherwise');
    await submit(page, form);

    assert.match(pathname(page), new RegExp(`^/c/${city}/submissions/[^/]+$`), `sending lands on the submission: ${page.url()}`);
    submission = pathname(page);
    submissionId = submission.split('/').pop();
    assert.equal(await text(page, '#submission-status'), 'Waiting for a mentor');
    assert.match(await text(page, '[role=status].flash'), /Comic Creator/, 'a flash says the work was sent');
    assert.ok(norm(await page.locator('main').innerText()).includes(firstReflection), 'the page shows the reflection');
    assert.equal(await page.locator('.evidence-files img').count(), 1, 'the photo shows');
    assert.equal(await page.locator('#resubmit-form').count(), 0, 'nothing to send again while it waits');
    await checkPage(t, page, 'review-submission-waiting');

    // The badge page no longer offers to send work, and /me lists it as waiting.
    await open(page, badgePage);
    assert.equal(await page.locator('a#submit-work').count(), 0, 'no second "send your work" while one waits');
    await open(page, `/c/${city}/me`);
    assert.match(await text(page, '#my-work'), /Comic Creator.*Waiting for a mentor/);
  });
  await alsoAt(t, DESKTOP, youth, submission, 'review-submission-waiting');

  // ---------------------------------------------------- the mentor asks for changes (desktop)
  const review = `${queue}/${submissionId}`;
  await withPage(t, DESKTOP, async (page) => {
    await signIn(page, mentor);
    await open(page, queue);
    assert.match(await text(page, '#review-counts'), /\b1 waiting\b/, `counts: ${await text(page, '#review-counts')}`);
    assert.equal(await page.locator('form#queue-filter').count(), 1);
    assert.equal(await page.locator('form#bulk-form').count(), 1);
    const row = page.locator('#queue tbody tr', { has: page.locator(`a[href="${review}"]`) });
    assert.equal(await row.count(), 1, 'one row for the work');
    assert.match(norm(await row.innerText()), /Comic Creator.*maya.*New/, `row: ${norm(await row.innerText())}`);
    await checkPage(t, page, 'review-queue');
  });
  // The same pages at phone width (opening the work holds it for this mentor for 15 minutes).
  await alsoAt(t, PHONE, mentor, queue, 'review-queue', async (page) => {
    assert.equal(await page.locator(`#queue a[href="${review}"]`).count(), 1, 'the work is in the queue at phone width');
  });
  await alsoAt(t, PHONE, mentor, review, 'review-review', async (page) => {
    assert.equal(await page.locator('form#decision-form').count(), 1, 'the mentor may decide at phone width');
  });
  await withPage(t, DESKTOP, async (page) => {
    await signIn(page, mentor);
    await open(page, queue);
    const row = page.locator('#queue tbody tr', { has: page.locator(`a[href="${review}"]`) });
    const loaded = page.waitForEvent('load');
    await row.locator(`a[href="${review}"]`).click();
    await loaded;
    assert.equal(pathname(page), review);
    assert.equal(await text(page, '#submission-status'), 'Waiting for a mentor');
    assert.ok(norm(await page.locator('main').innerText()).includes(firstReflection), 'the mentor sees the reflection');
    assert.equal(await page.locator('.evidence-files img').count(), 1, 'the mentor sees the photo');
    assert.ok((await page.locator('#rubric input[name=met]').count()) > 0, 'the rubric is there to tick');
    await checkPage(t, page, 'review-review');

    // Asking for changes without a note is refused, and says why.
    await press(page, '#decision-form button[name=verdict][value=changes]');
    assert.equal(pathname(page), review, 'stays on the review page');
    assert.equal(await page.locator('#e-feedback').count(), 1, 'an error under the note');
    assert.match(await text(page, '#e-feedback'), /Write a note/);
    assert.match(await page.locator('#f-feedback').getAttribute('aria-describedby'), /\be-feedback\b/);
    await checkPage(t, page, 'review-review-note-missing');

    await page.locator('#decision-form textarea[name=feedback]').fill(note);
    await press(page, '#decision-form button[name=verdict][value=changes]');
    assert.equal(pathname(page), queue, 'back to the queue after deciding');
    assert.match(await text(page, '[role=status].flash'), /Changes asked of maya/);
    assert.equal(await page.locator(`#queue a[href="${review}"]`).count(), 0, 'the work left the queue');
    assert.match(await text(page, '#review-counts'), /\b1 with youth for changes\b/, `counts: ${await text(page, '#review-counts')}`);
  });

  // ---------------------------------------------------- the youth reads the note, resends (phone)
  await alsoAt(t, DESKTOP, youth, submission, 'review-submission-feedback', async (page) => {
    assert.ok(norm(await page.locator('#feedback').innerText()).includes(note));
  });
  await withPage(t, PHONE, async (page) => {
    await signIn(page, youth);
    await open(page, `/c/${city}/me`);
    assert.match(await text(page, '#my-work'), /Comic Creator.*Changes asked for/);
    await open(page, submission);
    assert.equal(await text(page, '#submission-status'), 'Changes asked for');
    assert.ok(norm(await page.locator('#feedback').innerText()).includes(note), 'the mentor\'s note shows');
    assert.equal(await page.locator('form#resubmit-form').count(), 1);
    await checkPage(t, page, 'review-submission-feedback');

    const form = 'form#resubmit-form';
    await page.locator(`${form} textarea[name=reflection]`).fill(secondReflection);
    await page.locator(`${form} textarea[name=links]`).fill('https://example.org/rain-robot\nhttps://example.org/rain-robot/thumbnails');
    // "Send none to keep them": the photo sent the first time stays.
    await submit(page, form);
    assert.equal(pathname(page), submission);
    assert.equal(await text(page, '#submission-status'), 'Waiting for a mentor');
    assert.ok(norm(await page.locator('main').innerText()).includes(secondReflection), 'the new reflection shows');
    assert.equal(await page.locator('.links li').count(), 2, 'both links show');
    assert.equal(await page.locator('.evidence-files img').count(), 1, 'the first photo was kept');
    assert.equal(await page.locator('#resubmit-form').count(), 0);
    assert.match(await text(page, 'ol.history'), /Sent.*Changes asked for.*Sent again/);
  });

  // ------------------------------------------------------ the mentor approves (desktop)
  await withPage(t, DESKTOP, async (page) => {
    await signIn(page, mentor);
    await open(page, queue);
    const row = page.locator('#queue tbody tr', { has: page.locator(`a[href="${review}"]`) });
    assert.match(norm(await row.innerText()), /Sent again/, `row: ${norm(await row.innerText())}`);
    await open(page, review);
    assert.ok(norm(await page.locator('main').innerText()).includes(secondReflection), 'the mentor sees the new reflection');
    const boxes = page.locator('#rubric input[name=met]');
    const n = await boxes.count();
    for (let i = 0; i < n; i++) await boxes.nth(i).check();
    await page.locator('#decision-form textarea[name=feedback]').fill('Great work on the lettering!');
    await press(page, '#decision-form button[name=verdict][value=approve]');
    assert.equal(pathname(page), queue);
    assert.match(await text(page, '[role=status].flash'), /Approved: maya has the badge now/);
    await open(page, review);
    assert.equal(await page.locator('#decision-form').count(), 0, 'nothing left to decide');
    assert.equal(await text(page, '#submission-status'), 'Approved');
    assert.equal(await page.locator(`a[href^="/c/${city}/awards/"]`).count(), 1, 'the mentor can see the award');
  });

  // ------------------------------------------- the youth has the badge and shows the work (phone)
  await withPage(t, PHONE, async (page) => {
    await signIn(page, youth);
    await open(page, submission);
    assert.equal(await text(page, '#submission-status'), 'Approved');
    const awardLink = page.locator(`main a[href^="/c/${city}/awards/"]`);
    assert.equal(await awardLink.count(), 1, 'the submission links to the award');
    awardPath = await awardLink.getAttribute('href');
    assert.match(awardPath, new RegExp(`^/c/${city}/awards/[0-9a-f-]{36}$`));
    assert.equal(await page.locator('#resubmit-form').count(), 0);
    await checkPage(t, page, 'review-submission-approved');

    await open(page, `/c/${city}/me`);
    const card = page.locator('.badge-card', { has: page.locator('.badge-name', { hasText: 'Comic Creator' }) });
    assert.equal(await card.count(), 1, 'the badge card is on /me');
    // The card's own link (its share fold-out also opens the award's page).
    assert.equal(await card.locator(`:scope > a[href="${awardPath}"]`).count(), 1, 'the card links to the award');
    assert.match(await text(page, '#my-work'), /Comic Creator.*Approved/);
    await checkPage(t, page, 'review-me-approved');

    // The evidence page: the youth sees the work; it is private until they say otherwise.
    await open(page, `/c/${city}/evidence/${submissionId}`);
    assert.ok(norm(await page.locator('main').innerText()).includes(secondReflection));
    await open(page, submission);
    assert.match(await text(page, '#visibility-form'), /Let anyone who sees my badge see it/);
    await submit(page, '#visibility-form');
    assert.equal(pathname(page), submission);
    assert.match(await text(page, '[role=status].flash'), /can now see the work/);
    assert.match(await text(page, '#visibility-form'), /Keep it private/);
    await open(page, `/c/${city}/evidence/${submissionId}`);
    assert.equal(await page.locator('.evidence-files img').count(), 1);
    await checkPage(t, page, 'review-evidence');
  });
  await alsoAt(t, DESKTOP, youth, submission, 'review-submission-approved');

  // Anyone may now see the evidence; the photo loads for a stranger.
  await withPage(t, PHONE, async (page) => {
    await open(page, `/c/${city}/evidence/${submissionId}`);
    assert.equal(await page.locator('#evidence-private').count(), 0);
    assert.ok(norm(await page.locator('main').innerText()).includes(secondReflection), 'a stranger sees the public work');
    const img = page.locator('.evidence-files img').first();
    await img.scrollIntoViewIfNeeded();
    assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the photo loads for a stranger');
  });

  // ------------------------- a Star Gazer code completes the city's pathway (phone, the youth)
  // The last Star Gazer code of the demo (other tests take codes from the front of the list).
  const starCode = [...demo.claim_codes].reverse().find((c) => c.badge === 'star-gazer');
  assert.ok(starCode, 'the demo has a Star Gazer code');
  await withPage(t, PHONE, async (page) => {
    await signIn(page, youth);
    await open(page, `/c/${city}/me`);
    assert.match(await text(page, '#my-pathways'), /Riverton Explorer.*1 of 2/, 'halfway on the pathway');
    await open(page, `/c/${city}/claim?code=${encodeURIComponent(starCode.code)}`);
    await submit(page, 'form#claim-form');
    assert.ok(pathname(page).startsWith(`/c/${city}/awards/`), page.url());
    await open(page, `/c/${city}/me`);
    assert.match(await text(page, '#my-pathways'), /Riverton Explorer.*Completed/);
    const cityCard = page.locator('.badge-card', { has: page.locator('.badge-name', { hasText: 'Riverton Explorer' }) });
    assert.equal(await cityCard.count(), 1, "the city's badge is on /me");
    assert.match(norm(await cityCard.innerText()), /Riverton/);
    await checkPage(t, page, 'review-me-pathway');
    await cityCard.locator('a').first().click();
    await page.waitForLoadState('load');
    assert.match(norm(await page.locator('main').innerText()), /Riverton/, 'issued by the city');
    await checkPage(t, page, 'review-city-award');
  });

  // ------------------------------------------------- the parent was told by e-mail (operator)
  await withPage(t, DESKTOP, async (page) => {
    await signIn(page, account('operator'));
    await open(page, `/admin/mail?to=${encodeURIComponent('parent@riverton.example')}`);
    const kinds = (await page.locator('tr.mail .kind').allInnerTexts()).map(norm);
    for (const kind of ['reviews.changes_requested', 'awards.earned']) {
      assert.ok(kinds.includes(kind), `no ${kind} mail to the parent: ${JSON.stringify(kinds)}`);
    }
    const tos = (await page.locator('tr.mail .to').allInnerTexts()).map(norm);
    assert.ok(tos.every((to) => to === 'parent@riverton.example'), JSON.stringify(tos));
  });

  // ---------------------------------------------------- the library admin revokes (desktop)
  await withPage(t, DESKTOP, async (page) => {
    await signIn(page, librarian);
    await open(page, awardPath);
    await page.locator('form#revoke-form textarea[name=reason]').fill(reason);
    await submit(page, 'form#revoke-form');
    assert.ok(norm(await page.locator('main').innerText()).includes(reason), 'the award page shows the reason');
    assert.equal(await page.locator('form#revoke-form').count(), 0);
  });

  // ---------------------------------------- the youth and the parent see it revoked (phone)
  for (const [who, name] of [[youth, 'review-me-revoked'], [parent, 'review-parent-me-revoked']]) {
    await withPage(t, PHONE, async (page) => {
      await signIn(page, who);
      await open(page, `/c/${city}/me`);
      const card = page.locator('.badge-card', { has: page.locator('.badge-name', { hasText: 'Comic Creator' }) });
      assert.equal(await card.count(), 1, `${who.role}: one Comic Creator card on /me`);
      assert.match(await card.getAttribute('class'), /\bis-revoked\b/, `${who.role}: the card is marked revoked`);
      assert.equal(await card.locator('.tag-revoked').count(), 1, `${who.role}: a "revoked" tag`);
      assert.ok(await card.locator('.tag-revoked').isVisible());
      await checkPage(t, page, name);
    });
  }
});
