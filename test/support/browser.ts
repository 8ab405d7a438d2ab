import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { projectRoot } from '../../src/paths.js';

/**
 * The console's browser tests share this: Debian's Chromium (never a downloaded one) driven by
 * playwright-core, pages that record Content-Security-Policy complaints, and full-page
 * screenshots at desktop and phone widths in test-results/screenshots/ (not committed).
 */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SHOTS = join(projectRoot(), 'test-results', 'screenshots');
export const WIDE = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface ConsoleBrowser {
  browser: Browser;
  /** Every CSP complaint any page printed (there must be none). */
  cspViolations: string[];
  /** A Spanish (Dominican) page at desktop width that records CSP complaints. */
  newPage(): Promise<Page>;
}

export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  mkdirSync(SHOTS, { recursive: true });
  // Under .ci/future Node runs a year ahead through LD_PRELOAD; the browser keeps the real clock.
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'LD_PRELOAD' && !e[0].startsWith('FAKETIME')));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, env });
  const cspViolations: string[] = [];
  return {
    browser,
    cspViolations,
    newPage: async () => {
      const context = await browser.newContext({ viewport: WIDE, locale: 'es-DO' });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
      });
      return page;
    },
  };
}

/**
 * Full-page screenshots at 1280 and 390 pixels wide, as `<name>-1280.png` and `<name>-390.png`;
 * with `noSideScroll`, also checks that nothing makes the phone scroll sideways.
 */
export async function shoot(page: Page, name: string, options: { noSideScroll?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  if (options.noSideScroll) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at 390 px`).toBeLessThanOrEqual(PHONE.width);
  await page.screenshot({ path: join(SHOTS, `${name}-390.png`), fullPage: true });
  await page.setViewportSize(WIDE);
}

/** The page's `<h1>`, as a person or a screen reader finds it. */
export const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });
