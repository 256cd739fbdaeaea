import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createRig, type Rig } from './engineRig';
import { type NasKind, type NasServer, startNas } from './nasServers';

// What the red-team tests of the engine share (src/worker/sync/redTeam*.test.ts): rigs and servers of
// their own, closed after each test, a run from a few texts, and waiting for the engine's decision.

export type RunFiles = { relPath: string; text: string }[];

/** Call at a test file's top level: registers the cleanup after each test. */
export function redTeamKit() {
  const rigs: Rig[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const r of rigs.splice(0)) await r.close();
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function rigOn(settings = {}, nas: NasServer | NasKind = 'embedded', idleTimeoutMs = 2_000): Promise<Rig> {
    const rig = await createRig(settings, undefined, idleTimeoutMs, nas);
    rigs.push(rig);
    return rig;
  }

  async function ownNas(kind: NasKind): Promise<NasServer> {
    const dir = mkdtempSync(join(tmpdir(), 'exlab-red-'));
    const nas = await startNas(kind, dir);
    cleanups.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => nas.stop(),
    );
    return nas;
  }

  const intake = (rig: Rig, runName: string, files: RunFiles) =>
    rig.intake(
      runName,
      files.map((f) => ({ relPath: f.relPath, body: new Blob([f.text]) })),
    );

  /** The job once the engine has made up its mind: done, failed, or an attempt spent (the fake clock holds the retry). */
  const decided = (rig: Rig, jobId: string) =>
    rig.waitFor(jobId, (j) => j.state === 'cleaned' || j.state === 'failed' || j.attempts > 0, 'CLEANED, FAILED or an attempt spent');

  /** A short pause between two looks at a condition that must become true (a poll, not a conclusion). */
  const pollInterval = () => new Promise((r) => setTimeout(r, 20));

  const until = async (what: string, check: () => boolean | Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await pollInterval();
    }
  };

  return { rigs, cleanups, rigOn, ownNas, intake, decided, until };
}
