import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SCREENSHOT = path.resolve('test-results', 'swagger-ui.png');

/** An administrator opens /docs in a real browser and sees the API's operations. */
describe('Swagger UI in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders the operations of /docs, and one can be tried out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const failed: string[] = [];
    page.on('requestfailed', (req) => failed.push(req.url()));
    await page.goto(`${t.baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor();

    await expect
      .poll(() => page.locator('.opblock-summary-path').allInnerTexts())
      .toEqual(expect.arrayContaining(['/api/v1/ping', '/api/v1/time', '/health', '/health/ready']));
    expect(await page.locator('.information-container .title').innerText()).toContain('Platform API');
    expect(await page.locator('button.authorize').count()).toBe(1);

    // Open GET /api/v1/time, try it out, execute: the live answer shows in the page.
    const op = page.locator('#operations-system-SystemController_getTime');
    await op.locator('.opblock-summary').click();
    await op.locator('button.try-out__btn').click();
    await op.locator('button.execute').click();
    await expect.poll(() => op.locator('.live-responses-table tr.response .response-col_status').first().innerText()).toBe('200');
    expect(await op.locator('.live-responses-table .microlight').first().innerText()).toContain('serverTime');

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(failed).toEqual([]);
  });
});
