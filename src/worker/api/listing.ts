// Reading the queue for the pages: pages and windows of jobs, counts, one job, its files and history.
// Nothing here changes a job; limits are clamped so a page cannot ask for the whole table at once.
import { invalidInput, type Result } from '../errors';
import type { JobEvent, JobFilter, JobPage, JobRange, ListOptions, RunFile, StateCounts, SyncJobRow } from '../contract';
import { isSyncJobState } from '../../shared/state';
import { type ApiDeps, withQueue } from './deps';
import { MAX_RUN_PATH_CHARS } from '../../shared/runPath';

const MAX_PAGE = 500;

const unknownState = (state: unknown) => invalidInput({ field: 'state', message: `unknown state ${JSON.stringify(state)}` });

export async function list(deps: ApiDeps, options: ListOptions = {}): Promise<Result<JobPage>> {
  if (options.state !== undefined && !isSyncJobState(options.state)) return unknownState(options.state);
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(options.limit ?? 100)));
  return withQueue(deps, (s) => s.listing.listPage({ state: options.state, after: options.after ?? null, limit }));
}

export async function listRange(deps: ApiDeps, filter: JobFilter, offset: number, limit: number): Promise<Result<JobRange>> {
  if (filter.state !== undefined && !isSyncJobState(filter.state)) return unknownState(filter.state);
  const search = typeof filter.search === 'string' ? filter.search.trim().slice(0, MAX_RUN_PATH_CHARS) : '';
  const equipmentId = typeof filter.equipmentId === 'string' ? filter.equipmentId : '';
  const from = Math.max(0, Math.floor(offset) || 0);
  const n = Math.max(1, Math.min(MAX_PAGE, Math.floor(limit) || 100));
  return withQueue(deps, (s) =>
    s.listing.listRange({ state: filter.state, equipmentId: equipmentId || undefined, search: search || undefined }, from, n),
  );
}

export const equipmentIds = (deps: ApiDeps): Promise<Result<string[]>> => withQueue(deps, (s) => s.listing.equipmentIds());

export const counts = (deps: ApiDeps): Promise<Result<StateCounts>> => withQueue(deps, (s) => s.listing.countByState());

export const get = (deps: ApiDeps, jobId: string): Promise<Result<SyncJobRow | null>> => withQueue(deps, (s) => s.queue.getById(jobId));

export const files = (deps: ApiDeps, jobId: string): Promise<Result<RunFile[]>> => withQueue(deps, (s) => s.runFiles.listFiles(jobId));

export const history = (deps: ApiDeps, jobId: string): Promise<Result<JobEvent[]>> => withQueue(deps, (s) => s.history.listEvents(jobId));

export const runSizes = (deps: ApiDeps, jobIds: string[]): Promise<Result<Record<string, { files: number; bytes: number }>>> =>
  withQueue(deps, (s) => s.listing.runSizes(jobIds));
