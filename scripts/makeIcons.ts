import { readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromiumFlags.ts';

// Renders the app's SVG icons to the PNG sizes the manifest declares (run once; the PNGs are committed).
const jobs = [
  { svg: 'public/icons/icon.svg', out: 'public/icons/icon-192.png', size: 192 },
  { svg: 'public/icons/icon.svg', out: 'public/icons/icon-512.png', size: 512 },
  { svg: 'public/icons/icon-maskable.svg', out: 'public/icons/icon-maskable-512.png', size: 512 },
  { svg: 'public/icons/icon.svg', out: 'public/icons/apple-touch-icon-180.png', size: 180 },
];
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
for (const job of jobs) {
  const page = await browser.newPage({ viewport: { width: job.size, height: job.size } });
  const svg = readFileSync(job.svg, 'utf8').replace('<svg ', `<svg width="${job.size}" height="${job.size}" `);
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.screenshot({ path: job.out, omitBackground: true });
  await page.close();
}
await browser.close();
