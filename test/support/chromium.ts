import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's headless Chromium for the browser tests (`CHROMIUM_PATH` to use another), started without the
 * background networking this machine's closed network would refuse.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
