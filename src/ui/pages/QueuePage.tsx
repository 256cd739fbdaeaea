import { EnqueueForm } from '../components/EnqueueForm';
import { JobList } from '../components/JobList';
import { OwnershipBanner } from '../components/OwnershipBanner';
import { StateSummary } from '../components/StateSummary';

export function QueuePage() {
  return (
    <main>
      <OwnershipBanner />
      <EnqueueForm />
      <StateSummary />
      <JobList />
    </main>
  );
}
