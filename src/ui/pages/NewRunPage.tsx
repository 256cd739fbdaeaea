import { NewRunForm } from '../components';

/** Hand over a run: its files from a folder, a pick or a drop. */
export function NewRunPage() {
  return (
    <>
      <h2 class="view-title">New run</h2>
      <NewRunForm />
    </>
  );
}
