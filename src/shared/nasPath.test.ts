import { expect, test } from 'vitest';
import { NasPathError, nasPathFromTemplate, relPathSegments, safeFileName, safeSegment, wasShortened } from './nasPath';

const fields = { equipment_id: 'hplc-01', run_name: 'run 7', date: '2025-06-01' };

test('the default template gives equipment/date/run', () => {
  expect(nasPathFromTemplate('{equipment_id}/{date}/{run_name}', fields)).toEqual(['hplc-01', '2025-06-01', 'run 7']);
});

test('user text never leaves its segment', () => {
  const hostile = { ...fields, run_name: '../../etc/passwd', equipment_id: 'a/b\\c' };
  expect(nasPathFromTemplate('{equipment_id}/{date}/{run_name}', hostile)).toEqual(['a_b_c', '2025-06-01', '.._.._etc_passwd']);
  expect(() => safeSegment('..', 'name')).toThrow(NasPathError);
  expect(() => safeSegment(' . ', 'name')).toThrow(NasPathError);
  expect(safeSegment('CON', 'x')).toBe('_CON');
  expect(safeSegment('trailing. . ', 'x')).toBe('trailing');
  expect(safeSegment('a\u202Egnp.exe\u0000', 'x')).toBe('agnp.exe');
  expect(new TextEncoder().encode(safeSegment('é'.repeat(300), 'x')).length).toBeLessThanOrEqual(255);
  expect(safeSegment('e\u0301', 'x')).toBe('é');
  expect(safeSegment('%2e%2e', 'x')).toBe('_2e_2e');
  expect(safeSegment('%252e%252e', 'x')).toBe('_252e_252e');
  expect(safeSegment('a%2Fb', 'x')).toBe('a_2Fb');
  expect(safeSegment('50%25 done', 'x')).toBe('50%25 done');
});

test('file paths inside a run: "/" splits, a backslash is refused with what to do, dot segments dropped, ".." refused', () => {
  expect(relPathSegments('a/./c.txt')).toEqual(['a', 'c.txt']);
  expect(() => relPathSegments('a\\b/c.txt')).toThrow(/contains a backslash .* rename the file/);
  expect(() => relPathSegments('a/../../b')).toThrow(/outside its run/);
  expect(() => relPathSegments('/')).toThrow(NasPathError);
  expect(relPathSegments('/abs/x')).toEqual(['abs', 'x']);
});

test('a template with an unknown field is refused with the fields it may use', () => {
  expect(() => nasPathFromTemplate('{user}/{run_name}', fields)).toThrow(/\{equipment_id\}, \{date\} or \{run_name\}/);
});

test('a name too long keeps its extension and gets a short unique suffix; two such names stay two', () => {
  const long1 = `${'x'.repeat(256)}.fid`;
  const long2 = `${'x'.repeat(257)}.fid`;
  const a = safeFileName(long1);
  const b = safeFileName(long2);
  expect(new TextEncoder().encode(a).length).toBe(255);
  expect(a).toMatch(/^x+~[0-9a-f]{8}\.fid$/);
  expect(b).toMatch(/\.fid$/);
  expect(a).not.toBe(b);
  expect(wasShortened(long1, a)).toBe(true);
  expect(wasShortened('short.txt', safeFileName('short.txt'))).toBe(false);
  const multibyte = safeFileName(`${'é'.repeat(200)}.txt`);
  expect(new TextEncoder().encode(multibyte).length).toBeLessThanOrEqual(255);
  expect(multibyte.endsWith('.txt')).toBe(true);
  expect(safeFileName('x'.repeat(300))).toMatch(/^x+~[0-9a-f]{8}$/);
});

test('invisible characters (zero-width, word joiner, BOM, bidi marks and overrides) never reach a NAS name', () => {
  for (const ch of [
    '\u200b',
    '\u200c',
    '\u200d',
    '\u2060',
    '\ufeff',
    '\u200e',
    '\u200f',
    '\u202a',
    '\u202e',
    '\u2066',
    '\u2069',
    '\u00ad',
    '\u2028',
  ]) {
    const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`;
    expect(safeSegment(`hplc${ch}-02`, 'The equipment id'), code).toBe('hplc-02');
    expect(safeFileName(`trace${ch}.csv`), code).toBe('trace.csv');
  }
  expect(() => safeSegment('\u200b\u200b', 'The run name')).toThrow(NasPathError);
});

test("no run folder is the app's own folder at the NAS root, in any case or escaped", () => {
  for (const name of ['.exlab-sync', '.EXLAB-SYNC', '.exlab-sync. ', '%2eexlab-sync']) {
    expect(safeSegment(name, 'x').toLowerCase()).not.toBe('.exlab-sync');
  }
  expect(nasPathFromTemplate('{equipment_id}/{run_name}', { ...fields, equipment_id: '.exlab-sync' })[0]).toBe('_.exlab-sync');
  expect(nasPathFromTemplate('.exlab-sync/{run_name}', fields)[0]).toBe('_.exlab-sync');
  expect(safeSegment('.exlab-sync-notes', 'x')).toBe('.exlab-sync-notes');
});

test("no run folder is the app's own folder on a share that folds case by Unicode's rules", () => {
  // ZFS with casesensitivity=insensitive (TrueNAS's SMB datasets, served over WebDAV too) compares names
  // upper-cased: the long s "ſ" upper-cases to "S", so ".exlab-ſync" is ".exlab-sync" there. Fullwidth
  // letters fold the same way under NFKC. Before: both were kept as they are, a run folder in the app's.
  for (const name of ['.exlab-ſync', '.EXLAB-ſYNC', '．ｅｘｌａｂ－ｓｙｎｃ']) {
    const kept = safeSegment(name, 'x');
    expect(kept.normalize('NFKC').toUpperCase(), name).not.toBe('.EXLAB-SYNC');
    expect(kept, name).toBe(`_${name}`);
  }
  expect(safeSegment('.exlab-ſync-notes', 'x')).toBe('.exlab-ſync-notes');
});
