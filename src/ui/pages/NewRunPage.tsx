import { EnqueueForm } from '../components/EnqueueForm';
import { NewRunForm } from '../components/NewRunForm';

/** Hand over a run: its files from a folder, a pick or a drop; or, without files, a run by its path. */
export function NewRunPage() {
  return (
    <>
      <h2 class="view-title">New run</h2>
      <NewRunForm />
      <details class="card">
        <summary>Queue a run by path, without files</summary>
        <EnqueueForm />
      </details>
    </>
  );
}
