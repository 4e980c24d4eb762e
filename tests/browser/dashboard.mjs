// The dashboard at phone width: a coordinator opens the city's dashboard (no sideways
// scrolling, axe finds nothing serious), picks a week from the weekly table, filters by a
// neighborhood (small cells show as <10) and downloads a table as CSV; an organization's
// admin opens their own organization's dashboard from its page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT_MS, city, account, withPage, open, pathname, signIn, norm, checkPage, url } from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

test('a coordinator reads, slices and downloads the dashboard on a phone', { timeout: TEST_TIMEOUT_MS * 2 }, async (t) => {
  await withPage(t, PHONE, async (page) => {
    await signIn(page, account('coordinator'));
    await open(page, `/c/${city}/dashboard`);
    await checkPage(t, page, 'dashboard-city');
    assert.ok(await page.locator('svg.chart').count() >= 2, 'charts are drawn');
    assert.equal(await page.locator('#table-weeks caption').count(), 1, 'each table has a caption');

    // A week picked from the weekly table is a view of that week alone.
    const week = page.locator('#table-weeks tbody th a').last();
    const weekName = norm(await week.innerText());
    await week.click();
    await page.waitForLoadState('load');
    const from = new URL(page.url()).searchParams.get('from');
    const to = new URL(page.url()).searchParams.get('to');
    assert.equal((new Date(to) - new Date(from)) / 86_400_000, 6, `${from} – ${to}`);
    assert.equal(await page.locator('#table-weeks tbody tr').count(), 1);
    assert.equal(norm(await page.locator('#table-weeks tbody th').innerText()), weekName);

    // A neighborhood picked from its table: every small youth count hides.
    await open(page, `/c/${city}/dashboard`);
    await page.locator('#table-neighborhoods tbody th a').first().click();
    await page.waitForLoadState('load');
    assert.ok(new URL(page.url()).searchParams.get('neighborhood'), page.url());
    await checkPage(t, page, 'dashboard-neighborhood');
    const active = norm(await page.locator('#active-youth').innerText());
    assert.ok(active === '<10' || active === '0' || Number(active) >= 10, active);

    // The table's CSV has the table's rows.
    const href = await page.locator('#weeks a.csv-link').getAttribute('href');
    const response = await page.request.get(url(href));
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /text\/csv/);
    const lines = (await response.text()).trim().split(/\r?\n/);
    assert.equal(lines.length, 1 + await page.locator('#table-weeks tbody tr').count());
  });
  await withPage(t, PHONE, async (page) => {
    await signIn(page, account('org_admin'));
    await open(page, `/c/${city}/orgs/library`);
    await page.locator('#org-dashboard').click();
    await page.waitForLoadState('load');
    assert.equal(pathname(page), `/c/${city}/orgs/library/dashboard`);
    await checkPage(t, page, 'dashboard-org');
    assert.equal(await page.locator('#table-orgs').count(), 0, 'no other organization here');
  });
});
