// pages/ holds one container per view of the app: it reads the store (and the route's job id) and hands
// plain values to the components that render them. Here: the views App switches between.
export { JobPage } from './JobPage';
export { LabPage } from './LabPage';
export { NewRunPage } from './NewRunPage';
export { ProblemsPage } from './ProblemsPage';
export { QueuePage } from './QueuePage';
export { SettingsPage } from './SettingsPage';
