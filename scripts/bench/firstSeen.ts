import type { Page } from '@playwright/test';

// When something first shows in the page, by the page's own clock, looked for every 10 ms from the
// moment the navigation commits. Playwright's waitForSelector, which the start-up figures used, saw the
// queue open 950-1040 ms after a reload where the page had it at 520-600 ms (a MutationObserver in the
// page said so; its polls come further apart as it waits), so those figures measured the poll.

/** The wall-clock time (ms since the epoch) at which `selector` first matched; call it right after the navigation commits. */
export async function firstSeenAt(page: Page, selector: string, timeoutMs = 60_000): Promise<number> {
  const at = await page.waitForFunction((s) => (document.querySelector(s) ? performance.timeOrigin + performance.now() : null), selector, {
    timeout: timeoutMs,
    polling: 10,
  });
  return Number(await at.jsonValue());
}
