import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_DIST } from '../../test/support/paths.ts';
import { serveApp } from '../../test/support/serveApp.ts';
import { launchChromium } from '../../test/support/launchChromium.ts';
import { inPage as measure } from './inPage.ts';
import { firstSeenAt } from './firstSeen.ts';

// While hunting the start-up time: a queue of 100,000 jobs built as the bench builds it, then RELOADS
// reloads, each after 5,000 jobs were moved to RUNNING one commit at a time; prints every console line
// starting with "[t]" (page and worker) relative to the reload, and when the first rows showed.
//   flock /tmp/browser.lock npx tsx scripts/bench/startupProbe.ts [reloads=5]

const RELOADS = Number(process.argv[2] ?? 5);
const work = mkdtempSync(join(tmpdir(), 'exlab-startup-'));
const app = await serveApp({ port: 0, davRoot: join(work, 'nas'), distDir: E2E_DIST });
const browser = await launchChromium(join(work, 'profile'));
try {
  const page = await browser.context.newPage();
  const lines: string[] = [];
  const firsts: number[] = [];
  const onLine = (text: string) => text.startsWith('[t]') && lines.push(text);
  page.on('console', (m) => onLine(m.text()));
  page.on('worker', (w) => w.on('console', (m) => onLine(m.text())));
  await page.goto(app.url);
  await page.waitForSelector('[data-testid=ownership][data-status=owner]');
  await measure(
    page,
    `await api.updateSettings({ paused: true });
     for (let start = 0; start < 100000; start += 10000) {
       const items = [];
       for (let i = start; i < start + 10000; i++) items.push({ equipmentId: 'eq-' + (i % 7), runPath: '/big/' + i });
       const r = await hooks.seedJobs(items);
       if (!r.ok) throw new Error(r.error.message);
     }
     return 0;`,
    null,
  );
  for (let i = 0; i < RELOADS; i++) {
    await measure(
      page,
      `const ids = []; let after = null;
       do { const r = await api.list({ state: 'queued', after, limit: 500 }); ids.push(...r.value.jobs.map((j) => j.id)); after = r.value.next; }
       while (after && ids.length < 5000);
       for (const id of ids.slice(0, 5000)) await hooks.move(id, 'running');
       return 0;`,
      null,
    );
    lines.length = 0;
    const t0 = Date.now();
    await page.reload({ waitUntil: 'commit' });
    const rows = (await firstSeenAt(page, '[data-testid=job]')) - t0;
    await new Promise((r) => setTimeout(r, 300));
    firsts.push(rows);
    console.log(`reload ${i + 1}: first rows ${rows.toFixed(0)} ms`);
    for (const line of lines) {
      const [, name, ...rest] = line.split(' ');
      console.log(`  ${(Number(rest[rest.length - 1]) - t0).toFixed(0).padStart(5)} ${name} ${rest.slice(0, -1).join(' ')}`);
    }
  }
  const sorted = [...firsts].sort((a, b) => a - b);
  console.log(`first rows: median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, ${sorted.map((v) => v.toFixed(0)).join(' ')}`);
} finally {
  await browser.close();
  await app.stop();
  rmSync(work, { recursive: true, force: true });
}
