import type { Page } from '@playwright/test';

/**
 * Run `body` (an async function body) in the page with `api` (the worker's Comlink API, as the page
 * holds it) and `arg`; returns what it returns. Figures are timed inside the page, where they happen.
 */
export async function inPage(page: Page, body: string, arg: unknown): Promise<unknown> {
  if (process.env.BENCH_DEBUG) console.error('inPage', body.trim().slice(0, 60));
  return page.evaluate(
    async ([text, a]) => {
      const api = (globalThis as any).exlabApi;
      const run = new Function('api', 'arg', `return (async () => { ${text} })()`);
      return run(api, a);
    },
    [body, arg] as const,
  );
}
