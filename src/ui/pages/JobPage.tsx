import { createResource, For, Show } from 'solid-js';
import type { JobEvent, RunFile, SyncJobRow } from '../../worker/contract';
import { formatBytes } from '../../shared/formatBytes';
import { canDelete, canRetry, isLegalMove } from '../../shared/state';
import { queuedByPath } from '../../shared/runPath';
import { MANIFEST_NAME } from '../../shared/manifestName';
import { DiscardButton } from '../components/DiscardDialog';
import { FailureReason } from '../components/FailureReason';
import { JobProgress } from '../components/JobProgress';
import { RecordFailureForm } from '../components/RecordFailureForm';
import { RetryButton } from '../components/RetryButton';
import { useStore } from '../store';
import { formatRetryIn, formatTime, runName, STATE_LABELS } from '../store/format';
import { createNow } from '../store/createNow';
import { eventLabel } from '../store/eventLabels';

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
        <Show
          when={d().job}
          fallback={
            <section class="card">
              <p class="empty">This job is no longer in the queue.</p>
              <a href="#/queue">Back to the queue</a>
            </section>
          }
        >
          {(job) => (
            <article class="job-page" data-testid="job-detail" data-state={job().state}>
              <div class="view-head">
                <h2 class="view-title run-name" data-testid="job-name">
                  {runName(job())}
                </h2>
                <span class={`badge state-${job().state}`} data-testid="job-state">
                  {STATE_LABELS[job().state]}
                </span>
              </div>
              <section class="card">
                <dl class="job-facts">
                  <Fact label="Equipment" testid="job-equipment" value={job().equipment_id} />
                  <Fact label="NAS folder" testid="job-nas-path" value={job().nas_path ?? '—'} wide />
                  <Show when={queuedByPath(job())}>
                    <Fact label="Run path" testid="job-run-path" value={job().run_path} wide />
                  </Show>
                  <Fact label="Queued" value={formatTime(job().enqueued_at)} />
                  <Fact label="Attempts" testid="job-attempts" value={String(job().attempts)} />
                  <Show when={job().next_attempt_at}>
                    <Fact label="Next attempt" testid="job-next-attempt" value={formatRetryIn(job().next_attempt_at, now())} />
                  </Show>
                  <Fact label="Verified" testid="job-verified" value={verifyResult(job(), d().files, d().events)} wide />
                  <Show when={job().verified_at}>
                    <Fact label="Manifest" testid="job-manifest" value={`${job().nas_path}/${MANIFEST_NAME}`} wide />
                  </Show>
                </dl>
                <JobProgress job={job()} />
                <FailureReason lastError={job().last_error} testid="job-reason" />
                <div class="job-actions">
                  <Show when={canRetry(job().state)}>
                    <RetryButton jobId={job().id} />
                  </Show>
                  <Show when={canDelete(job().state)}>
                    <DiscardButton job={job()} onDone={() => (location.hash = '#/queue')} />
                  </Show>
                </div>
                <Show when={isLegalMove(job().state, 'failed')}>
                  <details class="failure-details">
                    <summary>Record a failure or stop syncing</summary>
                    <RecordFailureForm job={job()} />
                  </details>
                </Show>
              </section>
              <section class="card" aria-label="Files">
                <h3>
                  Files ({d().files.length}, {formatBytes(d().files.reduce((n, f) => n + f.size, 0))})
                </h3>
                <div class="table-wrap">
                  <table class="files">
                    <thead>
                      <tr>
                        <th scope="col">File</th>
                        <th scope="col">Size</th>
                        <th scope="col">State</th>
                        <th scope="col">SHA-256</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={d().files}>
                        {(f) => (
                          <tr data-testid="job-file">
                            <td class="path">{f.rel_path}</td>
                            <td>{formatBytes(f.size)}</td>
                            <td data-testid="job-file-state">{fileState(job(), f)}</td>
                            <td>
                              <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </section>
              <section class="card" aria-label="History">
                <h3>History</h3>
                <ol class="history" data-testid="job-history">
                  <For each={d().events}>
                    {(e) => (
                      <li data-kind={e.kind}>
                        <time dateTime={e.at}>{formatTime(e.at)}</time> <strong>{eventLabel(e.kind)}</strong>
                        <Show when={e.detail}>
                          <span class="muted"> — {e.detail}</span>
                        </Show>
                      </li>
                    )}
                  </For>
                </ol>
              </section>
            </article>
          )}
        </Show>
      )}
    </Show>
  );
}

function Fact(props: { label: string; value: string; testid?: string; wide?: boolean }) {
  return (
    <div class={props.wide ? 'wide' : undefined}>
      <dt>{props.label}</dt>
      <dd data-testid={props.testid}>{props.value}</dd>
    </div>
  );
}

function fileState(job: SyncJobRow, f: RunFile): string {
  if (job.state === 'cleaned') return 'On the NAS, verified; freed here';
  if (job.verified_at && (job.state === 'verified' || job.state === 'cleanup_eligible')) return 'On the NAS, verified';
  if (f.uploaded_at) return 'On the NAS';
  return job.state === 'running' ? 'Uploading or waiting' : 'Waiting';
}

function verifyResult(job: SyncJobRow, files: RunFile[], events: JobEvent[]): string {
  if (!job.verified_at) return job.state === 'awaiting_verify' ? 'Reading the NAS copy back…' : 'Not yet';
  const last = [...events].reverse().find((e) => e.kind === 'verified');
  return `${formatTime(job.verified_at)}: ${files.length} files match${last?.detail ? ` (${last.detail})` : ''}`;
}
