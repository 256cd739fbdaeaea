import { For } from 'solid-js';
import type { RunFile, SyncJobRow } from '../../worker/contract';
import { formatBytes } from '../../shared/formatBytes';

/** A job's files: each one's size, where it is (here, on the NAS, verified) and its checksum. */
export function JobFilesTable(props: { job: SyncJobRow; files: RunFile[] }) {
  return (
    <section class="card" aria-label="Files">
      <h3>
        Files ({props.files.length}, {formatBytes(props.files.reduce((n, f) => n + f.size, 0))})
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
            <For each={props.files}>
              {(f) => (
                <tr data-testid="job-file">
                  <td class="path">{f.rel_path}</td>
                  <td>{formatBytes(f.size)}</td>
                  <td data-testid="job-file-state">{fileState(props.job, f)}</td>
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
  );
}

function fileState(job: SyncJobRow, f: RunFile): string {
  if (job.state === 'cleaned') return 'On the NAS, verified; freed here';
  if (job.verified_at && (job.state === 'verified' || job.state === 'cleanup_eligible')) return 'On the NAS, verified';
  if (f.uploaded_at) return 'On the NAS';
  return job.state === 'running' ? 'Uploading or waiting' : 'Waiting';
}
