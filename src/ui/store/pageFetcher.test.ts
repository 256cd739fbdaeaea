import { expect, test } from 'vitest';
import { createPageFetcher } from './pageFetcher';

// The queue's list asks the worker for a page; a new filter while the first page is on its way made that
// answer not count and the page was never asked for again: the list said "Loading…" for good.

test('a page asked for again under a new filter while its old answer is on its way is fetched under the new filter', async () => {
  const answers: { page: number; current: () => boolean; resolve: () => void }[] = [];
  const fetcher = createPageFetcher((page, current) => new Promise<void>((resolve) => answers.push({ page, current, resolve })));
  void fetcher.fetch(0);
  fetcher.restart(); // the technician picks another filter
  void fetcher.fetch(0);
  expect(answers).toHaveLength(1); // one request per page at a time
  answers[0].resolve();
  await new Promise((r) => setTimeout(r, 0));
  expect(answers[0].current()).toBe(false);
  expect(answers).toHaveLength(2);
  expect(answers[1]).toMatchObject({ page: 0 });
  expect(answers[1].current()).toBe(true);
});

test('a page asked for again while it loads (the jobs changed) is fetched once more, not once per ask', async () => {
  const answers: (() => void)[] = [];
  const fetcher = createPageFetcher(() => new Promise<void>((resolve) => answers.push(resolve)));
  void fetcher.fetch(3);
  void fetcher.fetch(3);
  void fetcher.fetch(3);
  answers[0]();
  await new Promise((r) => setTimeout(r, 0));
  expect(answers).toHaveLength(2);
  answers[1]();
  await new Promise((r) => setTimeout(r, 0));
  expect(answers).toHaveLength(2);
  expect(fetcher.loading(3)).toBe(false);
});
