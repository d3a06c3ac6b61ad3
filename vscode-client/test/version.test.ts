import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { classifyProbe, compareRelease, isCompatibleVersion, parseRelease } from '../src/lib/version';

describe('server versions', () => {
  it('parses PEP 440-ish release numbers', () => {
    assert.deepEqual(parseRelease('0.1.0'), [0, 1, 0]);
    assert.deepEqual(parseRelease('0.1.0.dev3'), [0, 1, 0]);
    assert.deepEqual(parseRelease('1.2rc1'), [1, 2]);
    assert.deepEqual(parseRelease('v2'), [2]);
    assert.equal(parseRelease('unknown'), null);
    assert.equal(compareRelease([0, 1], [0, 1, 0]), 0);
  });
  it('accepts >= 0.1.0 and < 1.0.0', () => {
    for (const v of ['0.1.0', '0.1.0.dev1', '0.1.5', '0.9.9']) assert.equal(isCompatibleVersion(v), true, v);
    for (const v of ['0.0.9', '1.0.0', '2.3', '', 'x']) assert.equal(isCompatibleVersion(v), false, v);
  });
});

describe('classifyProbe', () => {
  const ok = { exitCode: 0, stdout: '0.1.0\n', stderr: '' };
  it('ok with the version', () => {
    assert.deepEqual(classifyProbe(ok), { ok: true, version: '0.1.0' });
    assert.deepEqual(classifyProbe({ ...ok, stdout: 'noise\n0.2.1\r\n' }), { ok: true, version: '0.2.1' });
  });
  it('noPython when it cannot be spawned, or a launcher says so', () => {
    const r0 = classifyProbe({ spawnError: 'ENOENT', exitCode: null, stdout: '', stderr: '' });
    assert.equal(!r0.ok && r0.kind, 'noPython');
    const r = classifyProbe({ exitCode: 127, stdout: '', stderr: 'pyenv: python3: command not found' });
    assert.equal(!r.ok && r.kind, 'noPython');
  });
  it('notInstalled for ModuleNotFoundError (and Python 2 style ImportError)', () => {
    const r = classifyProbe({ exitCode: 1, stdout: '', stderr: 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nModuleNotFoundError: No module named \'blockguide\'\n' });
    assert.equal(!r.ok && r.kind, 'notInstalled');
    const r2 = classifyProbe({ exitCode: 1, stdout: '', stderr: 'ImportError: No module named blockguide\n' });
    assert.equal(!r2.ok && r2.kind, 'notInstalled');
  });
  it('brokenInstall when a dependency of blockguide is missing', () => {
    const r = classifyProbe({ exitCode: 1, stdout: '', stderr: 'Traceback ...\nModuleNotFoundError: No module named \'pygls\'\n' });
    assert.equal(!r.ok && r.kind, 'brokenInstall');
    assert.match(!r.ok ? r.detail : '', /pygls/);
  });
  it('wrongVersion outside the supported range', () => {
    const r = classifyProbe({ ...ok, stdout: '1.4.0\n' });
    assert.equal(!r.ok && r.kind, 'wrongVersion');
    assert.equal(!r.ok && r.version, '1.4.0');
  });
  it('timeout', () => {
    const r = classifyProbe({ timedOut: true, exitCode: null, stdout: '', stderr: '' });
    assert.equal(!r.ok && r.kind, 'timeout');
  });
});
