import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, IDENTITY_ENV, signedPost, signIn } from '../support/identity.js';
import { launchChromium } from '../support/chromium.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SCREENSHOT = path.resolve('test-results', 'qr-page.png');

/** A user signs in on the login pages in a real browser, opens /qr, and the page renews its code by itself. */
describe('The /qr page in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let cb: string;
  beforeAll(async () => {
    t = await startTestApp({ env: IDENTITY_ENV });
    // A first-party site whose redirect lands back on this server (no consent screen).
    cb = `${t.baseUrl}/health`;
    const created = await signedPost(t, await signIn(t, ADMIN), '/admin/client/create', {
      client_id: 'site',
      name: 'Site',
      redirect_uris: [cb],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      first_party: true,
    });
    expect(created.status).toBe(200);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('asks to sign in first; then shows the code as an image and swaps in the next one at its time_start', async () => {
    const context = await browser.newContext({ viewport: { width: 600, height: 700 }, locale: 'ru-RU' });
    const page = await context.newPage();
    const problems: string[] = [];
    // Script errors and CSP refusals (the 401 of the first visit and a missing favicon are no problem).
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused/.test(m.text())) problems.push(m.text());
    });

    const anonymous = await page.goto(`${t.baseUrl}/qr`);
    expect(anonymous?.status()).toBe(401);
    expect(await page.locator('body').innerText()).toContain('Войдите');

    await page.goto(
      `${t.baseUrl}/oauth2/authorize?${new URLSearchParams({ client_id: 'site', redirect_uri: cb, response_type: 'code', scope: 'openid' })}`,
    );
    await page.fill('#login', ADMIN.username);
    await page.fill('#password', ADMIN.password);
    await Promise.all([page.waitForURL(`${cb}**`), page.locator('form button[type=submit], form input[type=submit]').first().click()]);

    // The first code, then 20 s left of its window (the server reads the window from its row).
    const first = await page.request.get(`${t.baseUrl}/api/qr`);
    const current = (await first.json()) as { code: string; time_expire: number };
    const db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
    await db.query(
      `UPDATE qr_code SET time_start = time_start - interval '280 seconds', time_expire = time_expire - interval '280 seconds'`,
    );
    await db.end();

    await page.clock.install();
    const shown = await page.goto(`${t.baseUrl}/qr`);
    expect(shown?.status()).toBe(200);
    // (Moving the window re-derives its code: the code is a function of the window's start.)
    const shownCode = await page.locator('#code').innerText();
    expect(shownCode).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(
      await page
        .locator('#qr')
        .evaluate(
          (img) =>
            (img as unknown as { complete: boolean; naturalWidth: number }).complete &&
            (img as unknown as { naturalWidth: number }).naturalWidth > 0,
        ),
    ).toBe(true);

    // Half the lead (15 s) before expiry the page fetches the next image; it shows it when its window starts.
    const fetched = page.waitForResponse((r) => r.url().endsWith('/api/qr.svg'));
    await page.clock.fastForward('00:06');
    const response = await fetched;
    expect(response.status()).toBe(200);
    const nextStart = Number(response.headers()['x-qr-time-start']);
    expect(nextStart).toBe(current.time_expire - 280);
    expect(await page.locator('#code').innerText()).toBe(shownCode);
    await page.clock.fastForward('00:16');
    await expect.poll(() => page.locator('#code').innerText()).not.toBe(shownCode);
    const next = (await (await page.request.get(`${t.baseUrl}/api/qr`)).json()) as { code: string };
    expect(await page.locator('#code').innerText()).toBe(next.code);
    expect(await page.locator('#qr').getAttribute('src')).toMatch(/^blob:/);
    await expect
      .poll(() =>
        page
          .locator('#qr')
          .evaluate(
            (img) =>
              (img as unknown as { complete: boolean; naturalWidth: number }).complete &&
              (img as unknown as { naturalWidth: number }).naturalWidth > 0,
          ),
      )
      .toBe(true);

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(problems).toEqual([]);
    await context.close();
  });
});
