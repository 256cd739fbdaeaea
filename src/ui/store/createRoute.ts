import { createSignal, onCleanup } from 'solid-js';

/** The views of the app; each has a hash of its own so the back button and a reload keep the place. */
export type Route =
  { view: 'queue' } | { view: 'new' } | { view: 'problems' } | { view: 'settings' } | { view: 'lab' } | { view: 'job'; jobId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'job' && parts[1]) return { view: 'job', jobId: decodeJobId(parts[1]) };
  if (parts[0] === 'new' || parts[0] === 'problems' || parts[0] === 'settings' || parts[0] === 'lab') return { view: parts[0] };
  return { view: 'queue' };
}

/**
 * A job id from the address. A malformed escape ("#/job/%", a link cut short) cannot name a job: it is
 * kept as typed, so the job page says there is no such job instead of the whole page failing to render.
 */
function decodeJobId(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function routeHref(route: Route): string {
  return route.view === 'job' ? `#/job/${encodeURIComponent(route.jobId)}` : `#/${route.view}`;
}

/** The current route, following the location's hash. */
export function createRoute(): () => Route {
  const [route, setRoute] = createSignal(parseRoute(location.hash));
  const onHash = () => {
    setRoute(parseRoute(location.hash));
    // A new view starts at its top, as a new page would.
    window.scrollTo(0, 0);
  };
  window.addEventListener('hashchange', onHash);
  onCleanup(() => window.removeEventListener('hashchange', onHash));
  return route;
}
