import { createResource, Show } from 'solid-js';
import type { JobEvent, RunFile, SyncJobRow } from '../../worker/contract';
import { JobFilesTable, JobHistory, JobSummaryCard } from '../components';
import { useStore } from '../store';
import { runName, STATE_LABELS } from '../store/format';
import { createNow } from '../store/createNow';

interface Detail {
  job: SyncJobRow | null;
  files: RunFile[];
  events: JobEvent[];
}

/** One job: its files and their state, where it goes on the NAS, the verify result, and its history. */
export function JobPage(props: { jobId: string }) {
  const store = useStore();
  const now = createNow();
  const [detail] = createResource(
    () => [props.jobId, store.version()] as const,
    async ([jobId]): Promise<Detail> => {
      const [job, files, events] = await Promise.all([store.get(jobId), store.files(jobId), store.history(jobId)]);
      return { job: job.ok ? job.value : null, files: files.ok ? files.value : [], events: events.ok ? events.value : [] };
    },
  );

  return (
    <Show when={detail.latest} fallback={<p class="empty">Loading…</p>}>
      {(d) => (
        <Show when={d().job} fallback={<JobGone />}>
          {(job) => (
            <JobDetail job={job()} files={d().files} events={d().events} now={now()} onDiscarded={() => (location.hash = '#/queue')} />
          )}
        </Show>
      )}
    </Show>
  );
}

function JobDetail(props: { job: SyncJobRow; files: RunFile[]; events: JobEvent[]; now: number; onDiscarded: () => void }) {
  return (
    <article class="job-page" data-testid="job-detail" data-state={props.job.state}>
      <div class="view-head">
        <h2 class="view-title run-name" data-testid="job-name">
          {runName(props.job)}
        </h2>
        <span class={`badge state-${props.job.state}`} data-testid="job-state">
          {STATE_LABELS[props.job.state]}
        </span>
      </div>
      <JobSummaryCard job={props.job} files={props.files} events={props.events} now={props.now} onDiscarded={props.onDiscarded} />
      <JobFilesTable job={props.job} files={props.files} />
      <JobHistory events={props.events} />
    </article>
  );
}

function JobGone() {
  return (
    <section class="card">
      <p class="empty">This job is no longer in the queue.</p>
      <a href="#/queue">Back to the queue</a>
    </section>
  );
}
