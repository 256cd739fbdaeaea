import type { Page } from '@playwright/test';

/**
 * Run `body` (an async function body) in the page with `api` (the worker's Comlink API, as the page
 * holds it), `hooks` (the e2e build's test hooks, src/worker/testHooks.ts: file-less jobs and moves,
 * which the shipped API has not) and `arg`; returns what it returns. Figures are timed inside the page, where they happen.
 */
export async function inPage(page: Page, body: string, arg: unknown): Promise<unknown> {
  if (process.env.BENCH_DEBUG) console.error('inPage', body.trim().slice(0, 60));
  return page.evaluate(
    async ([text, a]) => {
      const api = (globalThis as any).exlabApi;
      const hooks = (globalThis as any).exlabTestHooks;
      const run = new Function('api', 'hooks', 'arg', `return (async () => { ${text} })()`);
      return run(api, hooks, a);
    },
    [body, arg] as const,
  );
}
