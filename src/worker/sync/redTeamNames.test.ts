import { chownSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { nasTree, runHashes } from '../../../test/support/nasTree';
import { redTeamKit } from '../../../test/support/redTeamKit';

// Red team, names on the NAS: each test is a way the promise (nothing lost or overwritten) was found to
// break, on real servers on 127.0.0.1. Each FAILS on the code it was written against.

const { rigOn, ownNas, intake, decided } = redTeamKit();

describe('names', () => {
  for (const reserved of ['manifest-sha256.txt', '.exlab-claim.json']) {
    test(`a run whose top folder is named "${reserved}" is refused at intake with what to do, or lands whole`, async () => {
      const rig = await rigOn();
      const run = [
        { relPath: `${reserved}/notes.txt`, text: 'notes' },
        { relPath: 'a.csv', text: 'alpha' },
      ];
      const job = await intake(rig, 'run', run).catch((err: Error) => err);
      // Refused at intake, saying what to do, is one good answer; landing whole on the NAS is the other.
      if (job instanceof Error) return expect(job.message).toMatch(/rename/);
      rig.engine.start();
      const done = await decided(rig, job.id);
      // Before the fix: intake reserves only the whole path; a folder of that name collides with the app's own file.
      expect(done).toMatchObject({ state: 'cleaned', attempts: 0 });
      expect(nasTree(join(rig.davRoot, done.nas_path!))).toEqual(runHashes(run));
    });
  }

  for (const kind of ['embedded', 'apache'] as const) {
    test(`on ${kind}, a run name of 255 bytes whose folder is taken goes to the next free name`, async () => {
      const nas = await ownNas(kind);
      const rig = await rigOn({}, nas);
      const name = 'r'.repeat(255);
      const taken = join(nas.davRoot, 'hplc-01', '2025-06-01', name);
      mkdirSync(taken, { recursive: true });
      writeFileSync(join(taken, 'data.csv'), 'copied there by hand');
      // Made here as root: Apache's workers (www-data) must own the folders they are to write into.
      if (kind === 'apache')
        for (const d of [join(nas.davRoot, 'hplc-01'), join(nas.davRoot, 'hplc-01', '2025-06-01')]) chownSync(d, 33, 33);
      const run = [{ relPath: 'data.csv', text: 'the run' }];
      const job = await intake(rig, name, run);
      rig.engine.start();
      const done = await decided(rig, job.id);
      // "<255 bytes> (2)" would be 259 bytes: folder names are kept to 200 bytes, a suffix included.
      expect(done).toMatchObject({ state: 'cleaned', attempts: 0 });
      expect(nasTree(join(nas.davRoot, done.nas_path!))).toEqual(runHashes(run));
      expect(readFileSync(join(taken, 'data.csv'), 'utf8')).toBe('copied there by hand');
    });
  }

  test("on a NAS that answers MKCOL of an existing folder 201 again, a folder with files and no claim is still not this run's", async () => {
    const rig = await rigOn();
    // A run folder from before claims (every run synced by the previous version), or one copied by hand.
    const old = join(rig.davRoot, 'hplc-01', '2025-06-01', 'run');
    mkdirSync(old, { recursive: true });
    writeFileSync(join(old, 'other.csv'), 'an older run');
    // mkcol.ts: "already there" is 405 on most servers, "or 201 again" on some: such a server, for this folder.
    rig.proxy.fault = (m, p) => (m === 'MKCOL' && p.endsWith('/2025-06-01/run/') ? { type: 'status', status: 201 } : null);
    const job = await intake(rig, 'run', [{ relPath: 'data.csv', text: 'the run' }]);
    rig.engine.start();
    const done = await decided(rig, job.id);
    // Before the fix: a 201 is taken as "this caller alone made it"; the claim goes into the old folder and the run with it.
    expect(done).toMatchObject({ state: 'cleaned', nas_path: 'hplc-01/2025-06-01/run (2)' });
    expect(readdirSync(old)).toEqual(['other.csv']);
  });

  test('a NAS that reports names decomposed (NFD, as HFS+ or a formD ZFS share does) verifies a run with accented names', async () => {
    const rig = await rigOn({ verifyMode: 'size' });
    const run = [
      { relPath: 'Probe Müller.csv', text: 'ä ö ü' },
      { relPath: 'échantillons/été.txt', text: 'summer' },
    ];
    // The server stores what it is sent and finds a name in either form; its listings spell names in NFD.
    const nfdSegment = (s: string) =>
      decodeURIComponent(s).normalize('NFD') === decodeURIComponent(s) ? s : encodeURIComponent(decodeURIComponent(s).normalize('NFD'));
    const nfd = (xml: string) =>
      xml.replace(
        /(href>)([^<]*)(<)/g,
        (_, open: string, href: string, close: string) => open + href.split('/').map(nfdSegment).join('/') + close,
      );
    rig.proxy.fault = (m) => (m === 'PROPFIND' ? { type: 'rewrite', edit: nfd } : null);
    const job = await intake(rig, 'run', run);
    rig.engine.start();
    const done = await decided(rig, job.id);
    // Before the fix: hrefToSegments/isWithin compare code points, so "Müller" (NFD) is not "Müller" (NFC): the listing
    // and the ask-by-name both miss the file, verify counts it missing, and the resend is a nas_conflict.
    expect(done).toMatchObject({ state: 'cleaned', attempts: 0 });
  });

  test('a foreign file named like the claim, too big to be a claim, makes the run take the next name, not fail', async () => {
    const rig = await rigOn();
    const taken = join(rig.davRoot, 'hplc-01', '2025-06-01', 'run');
    mkdirSync(taken, { recursive: true });
    writeFileSync(join(taken, '.exlab-claim.json'), 'x'.repeat(20_000));
    const job = await intake(rig, 'run', [{ relPath: 'data.csv', text: 'the run' }]);
    rig.engine.start();
    const done = await decided(rig, job.id);
    // Before the fix: readClaim's size cap throws ResponseTooLargeError (transient, counted) instead of "foreign".
    expect(done).toMatchObject({ state: 'cleaned', attempts: 0, nas_path: 'hplc-01/2025-06-01/run (2)' });
    expect(readdirSync(taken)).toEqual(['.exlab-claim.json']);
  });
});
