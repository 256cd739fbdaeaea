import { expect, test } from 'vitest';
import { NasPathError, nasPathFromTemplate, relPathSegments, safeSegment } from './nasPath';

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

test('file paths inside a run: separators split, dot segments dropped, ".." refused', () => {
  expect(relPathSegments('a\\b/./c.txt')).toEqual(['a', 'b', 'c.txt']);
  expect(() => relPathSegments('a/../../b')).toThrow(/outside its run/);
  expect(() => relPathSegments('/')).toThrow(NasPathError);
  expect(relPathSegments('/abs/x')).toEqual(['abs', 'x']);
});

test('a template with an unknown field is refused with the fields it may use', () => {
  expect(() => nasPathFromTemplate('{user}/{run_name}', fields)).toThrow(/\{equipment_id\}, \{date\} or \{run_name\}/);
});
