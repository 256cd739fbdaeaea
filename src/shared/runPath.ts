// A run handed over with its files is kept under its job id; a run queued by path keeps the path typed.

/** The run path given to a run stored on the device by intake. */
export const intakeRunPath = (jobId: string): string => `/runs/${jobId}`;

/** Whether the job was queued by a path the person typed (its run path means something to them). */
export const queuedByPath = (job: { id: string; run_path: string }): boolean => job.run_path !== intakeRunPath(job.id);

/** The longest run path the queue takes, and so the longest search worth running. */
export const MAX_RUN_PATH_CHARS = 1024;
