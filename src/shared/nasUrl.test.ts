import { expect, test } from 'vitest';
import { isUnencrypted, nasUrlProblem, normaliseNasUrl, sameUrl } from './nasUrl';

test('https anywhere; http only to this device or the local network, the rule in the refusal', () => {
  for (const ok of [
    'https://nas.example.org/dav/',
    'http://127.0.0.1:5173/dav/',
    'http://localhost/dav/',
    'http://[::1]:8080/dav/',
    'http://10.1.2.3/dav/',
    'http://172.20.0.5/dav/',
    'http://192.168.1.20/dav/',
    'http://nas/dav/',
    'http://NAS.lab.local/dav/',
    'http://nas.lan/dav/',
    'http://files.home.arpa/dav/',
    'http://[fd12::5]/dav/',
  ]) {
    expect(nasUrlProblem(ok), ok).toBeNull();
  }
  for (const refused of ['http://nas.example.org/dav/', 'http://8.8.8.8/dav/', 'http://172.32.0.1/dav/', 'http://[2001:db8::1]/dav/']) {
    const problem = nasUrlProblem(refused);
    expect(problem, refused).toMatch(/not on the local network/);
    expect(problem).toMatch(/use https:\/\//);
    expect(problem).toMatch(/192\.168/);
  }
  expect(nasUrlProblem('ftp://nas/dav/')).toMatch(/not supported: .* https:\/\/ \(or http:\/\/ on the local network\)/);
});

test('served over https, the app refuses an http NAS the browser would block, but not one on this device', () => {
  expect(nasUrlProblem('http://192.168.1.20/dav/', 'https://sync.lab.example')).toMatch(/mixed content/);
  expect(nasUrlProblem('http://127.0.0.1:8081/dav/', 'https://sync.lab.example')).toBeNull();
  expect(nasUrlProblem('http://192.168.1.20/dav/', 'http://192.168.1.10')).toBeNull();
});

test('a NAS URL is stored in the form the browser reports it in', () => {
  expect(normaliseNasUrl('http://NAS.Lab.LOCAL/dav/')).toBe('http://nas.lab.local/dav/');
  expect(normaliseNasUrl('https://nas:443/dav/')).toBe('https://nas/dav/');
  expect(normaliseNasUrl('http://nas/dav/run data/')).toBe('http://nas/dav/run%20data/');
  expect(normaliseNasUrl('http://nas/dav/mesures/été')).toBe('http://nas/dav/mesures/%C3%A9t%C3%A9/');
  expect(normaliseNasUrl(' http://nas/dav ')).toBe('http://nas/dav/');
  // Once normalised, it stays so.
  const once = normaliseNasUrl('HTTP://NAS:80/a b/é/');
  expect(normaliseNasUrl(once)).toBe(once);
  expect(sameUrl('http://NAS:80/a b/x', 'http://nas/a%20b/x')).toBe(true);
  expect(sameUrl('http://nas/a/x', 'http://nas/b/x')).toBe(false);
});

test('only http to another machine is unencrypted', () => {
  expect(isUnencrypted('http://192.168.1.20/dav/')).toBe(true);
  expect(isUnencrypted('http://127.0.0.1:5173/dav/')).toBe(false);
  expect(isUnencrypted('https://nas/dav/')).toBe(false);
  expect(isUnencrypted('not a url')).toBe(false);
});

test('a URL that is not a web address, or of another scheme, is told so and what to type', () => {
  const js = nasUrlProblem('javascript:alert(1)')!;
  expect(js).not.toMatch(/must start with/);
  expect(js).toMatch(/not a web address.*https:\/\/nas\.example\.org\/dav\/runs\//);
  const ftp = nasUrlProblem('ftp://nas.lab/runs/')!;
  expect(ftp).toMatch(/uses ftp:, which is not supported.*WebDAV.*https:\/\/nas\.lab\/runs\//);
  expect(nasUrlProblem('file:///etc/')).toMatch(/uses file:, which is not supported/);
});

test("a NAS URL into the app's own .exlab-sync folder is refused: runs there could sit where a device's state file is replaced", () => {
  for (const inside of [
    'https://nas/dav/.exlab-sync/devices/',
    'https://nas/dav/.EXLAB-SYNC/',
    'https://nas/dav/%2Eexlab-sync/devices',
    'http://127.0.0.1:8080/.exlab-sync./x/',
  ]) {
    expect(nasUrlProblem(inside), inside).toMatch(/must not point into the app's own "\.exlab-sync" folder/);
  }
  expect(nasUrlProblem('https://nas/dav/.exlab-sync-notes/')).toBeNull();
  expect(nasUrlProblem('https://nas/dav/exlab-sync/')).toBeNull();
});
