import { expect, test } from 'vitest';
import { equipmentIdProblem, MAX_EQUIPMENT_ID_CHARS, MAX_RUN_NAME_CHARS, readEquipmentId, runNameProblem } from './runInput';

test('the equipment id: blank is called empty, too long is refused with the limit, control and invisible characters refused', () => {
  for (const blank of ['', ' ', '\t ', '\u200b', ' \ufeff '])
    expect(equipmentIdProblem(blank), JSON.stringify(blank)).toMatch(/is empty.*type it/);
  expect(equipmentIdProblem('x'.repeat(MAX_EQUIPMENT_ID_CHARS))).toBeNull();
  expect(equipmentIdProblem('x'.repeat(500))).toBe(`The equipment id is 500 characters long; use at most ${MAX_EQUIPMENT_ID_CHARS}.`);
  expect(equipmentIdProblem('eq\u202e')).toMatch(/control or invisible characters \(U\+202E\); type it again/);
  expect(equipmentIdProblem('hplc\u200b-02')).toMatch(/U\+200B/);
  expect(equipmentIdProblem('a\tb')).toMatch(/U\+0009/);
  expect(equipmentIdProblem(42)).toMatch(/is empty/);
  expect(readEquipmentId('  hplc-02 ')).toBe('hplc-02');
});

test('the run name: blank is called empty, longer than the limit refused', () => {
  expect(runNameProblem(' ')).toMatch(/run name is empty/);
  expect(runNameProblem('\u200b')).toMatch(/run name is empty/);
  expect(runNameProblem('r'.repeat(MAX_RUN_NAME_CHARS))).toBeNull();
  expect(runNameProblem('r'.repeat(MAX_RUN_NAME_CHARS + 1))).toMatch(/256 characters long; use at most 255/);
});
