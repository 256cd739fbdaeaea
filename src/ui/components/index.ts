// components/ holds what the pages render: views that show what they are given, and a few small controls
// (Retry, Discard, Record a failure) that call the store themselves. Here: the ones used outside this folder.
export { AppUpdateBanner } from './AppUpdateBanner';
export { DiagnosticsDownload } from './DiagnosticsDownload';
export { FormMessage, type Message } from './FormMessage';
export { JobFilesTable } from './JobFilesTable';
export { JobHistory } from './JobHistory';
export { JobSummaryCard } from './JobSummaryCard';
export { NewRunForm } from './NewRunForm';
export { OwnershipBanner } from './OwnershipBanner';
export { ProblemRow } from './ProblemRow';
export { QueueFilters } from './QueueFilters';
export { SettingsPanel } from './SettingsPanel';
export { StateSummary } from './StateSummary';
export { StatusBar } from './StatusBar';
export { TabBar } from './TabBar';
export { VirtualJobList } from './VirtualJobList';
