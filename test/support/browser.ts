import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Where tests keep what a person looks at afterwards (screenshots); ignored by git. */
export const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test-artifacts');

/** Debian's Chromium (`$CHROMIUM_PATH`, else `chromium` on the PATH); the test fails, saying so, when it is missing. */
export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given && existsSync(given)) return given;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    return assert.fail('headless Chromium is missing: install Debian’s chromium (scripts/install-test-deps.sh does) or set CHROMIUM_PATH');
  }
}

/** A headless Chromium as CI machines can run it: no sandbox (root in a container), no GPU, no /dev/shm, nothing fetched in the background. */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-extensions',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--mute-audio',
    ],
  });
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
