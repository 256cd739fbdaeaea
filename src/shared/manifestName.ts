/** The file the engine writes last in a run's NAS folder: one "sha256  path" line per file. */
export const MANIFEST_NAME = 'manifest-sha256.txt';
