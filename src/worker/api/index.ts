// The worker API: the facade main.ts exposes over Comlink, split by concern (intake, listing, operator
// actions, settings, the app); each method checks its input, then calls the queue through withQueue.
import type { WorkerApi } from '../contract';
import * as app from './app';
import * as diagnostics from './diagnostics';
import type { ApiDeps } from './deps';
import * as intake from './intake';
import * as lab from './lab';
import * as listing from './listing';
import * as operator from './operatorActions';
import * as settings from './settings';

export type { ApiDeps } from './deps';

export function createWorkerApi(deps: ApiDeps): WorkerApi {
  return {
    subscribe: (listener) => app.subscribe(deps, listener),
    takeOver: () => app.takeOver(deps),
    engineStatus: () => app.engineStatus(deps),
    prepareForUpdate: () => app.prepareForUpdate(deps),
    resumeAfterUpdateDeclined: () => app.resumeAfterUpdateDeclined(deps),

    addRun: (run, onProgress) => intake.addRun(deps, run, onProgress),

    list: (options) => listing.list(deps, options),
    listRange: (filter, offset, limit) => listing.listRange(deps, filter, offset, limit),
    equipmentIds: () => listing.equipmentIds(deps),
    counts: () => listing.counts(deps),
    get: (jobId) => listing.get(deps, jobId),
    files: (jobId) => listing.files(deps, jobId),
    history: (jobId) => listing.history(deps, jobId),
    runSizes: (jobIds) => listing.runSizes(deps, jobIds),

    recordFailure: (jobId, failure) => operator.recordFailure(deps, jobId, failure),
    retry: (jobId) => operator.retry(deps, jobId),
    retryAll: () => operator.retryAll(deps),
    stopSyncing: (jobId, reason) => operator.stopSyncing(deps, jobId, reason),
    discard: (jobId) => operator.discard(deps, jobId),

    getSettings: () => settings.getSettings(deps),
    updateSettings: (patch) => settings.updateSettings(deps, patch),
    testConnection: (typed) => settings.testConnection(deps, typed),
    diagnostics: () => diagnostics.diagnostics(deps),

    device: () => lab.device(deps),
    setDeviceName: (name) => lab.setDeviceName(deps, name),
    lab: () => lab.lab(deps),
  };
}
