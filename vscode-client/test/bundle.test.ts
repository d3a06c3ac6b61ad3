import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  BundleManifest,
  bundledEnv,
  bundledProbeArgs,
  checkPython,
  INSPECT_ARGS,
  parseInspect,
  PythonInfo,
  readManifest,
  servedRange,
  servedVersions,
} from '../src/lib/bundle';

const manifest: BundleManifest = {
  target: 'linux-x64',
  blockguide: '0.1.0',
  common: 'libs',
  pythons: { '3.12': 'libs/cp312', '3.10': 'libs/cp310', '3.11': 'libs/cp311', '3.13': 'libs/cp313', '3.14': 'libs/cp314' },
  compiledModules: ['pydantic_core', 'rapidfuzz', 'tree_sitter', 'tree_sitter_python'],
};
const linux311: PythonInfo = { version: '3.11.2', implementation: 'cpython', machine: 'x86_64', platform: 'linux', bits: 64 };

describe('the bundled server: which Python can run it', () => {
  it('puts the common folder and the version’s own folder on the path', () => {
    const r = checkPython(linux311, manifest, '/ext/bundled');
    assert.deepEqual(r, { ok: true, pythonPath: [path.join('/ext/bundled', 'libs'), path.join('/ext/bundled', 'libs/cp311')] });
    const r14 = checkPython({ ...linux311, version: '3.14.0rc1' }, manifest, '/b');
    assert.ok(r14.ok && r14.pythonPath[1].endsWith('cp314'));
  });

  it('refuses a version outside the served range, saying which range', () => {
    for (const version of ['3.9.18', '3.15.0', '2.7.18']) {
      const r = checkPython({ ...linux311, version }, manifest, '/b');
      assert.equal(r.ok, false, version);
      assert.ok(!r.ok && r.kind === 'pythonVersion' && r.detail.includes(version) && r.detail.includes('3.10 to 3.14'), version);
    }
  });

  it('refuses another implementation or platform (the compiled wheels are CPython’s, for the target)', () => {
    const pypy = checkPython({ ...linux311, implementation: 'pypy' }, manifest, '/b');
    assert.ok(!pypy.ok && pypy.kind === 'pythonAbi' && /pypy/.test(pypy.detail));
    const arm = checkPython({ ...linux311, machine: 'aarch64' }, manifest, '/b');
    assert.ok(!arm.ok && arm.kind === 'pythonAbi' && /linux-x64/.test(arm.detail));
    const mac = checkPython({ ...linux311, platform: 'darwin' }, manifest, '/b');
    assert.ok(!mac.ok && mac.kind === 'pythonAbi');
    const bits32 = checkPython({ ...linux311, bits: 32 }, manifest, '/b');
    assert.ok(!bits32.ok && bits32.kind === 'pythonAbi');
    const winArm = checkPython({ ...linux311, platform: 'win32', machine: 'ARM64' }, { ...manifest, target: 'win32-arm64' }, '/b');
    assert.ok(winArm.ok);
  });

  it('orders the served versions numerically (3.9 < 3.10)', () => {
    assert.deepEqual(servedVersions({ ...manifest, pythons: { '3.10': 'a', '3.9': 'b' } }), ['3.9', '3.10']);
    assert.equal(servedRange(manifest), '3.10 to 3.14');
  });

  it('runs the bundle with only its own folders on PYTHONPATH and without the user site', () => {
    const env = bundledEnv({ PATH: '/bin', PYTHONPATH: '/elsewhere' }, ['/b/libs', '/b/libs/cp311'], ':');
    assert.equal(env.PYTHONPATH, '/b/libs:/b/libs/cp311');
    assert.equal(env.PYTHONNOUSERSITE, '1');
    assert.equal(env.PATH, '/bin');
  });

  it('imports blockguide and every compiled module before starting', () => {
    const args = bundledProbeArgs({ ...manifest, compiledModules: [...manifest.compiledModules, 'bad name; import os'] });
    assert.deepEqual(args, ['-c', 'import blockguide, pydantic_core, rapidfuzz, tree_sitter, tree_sitter_python; print(blockguide.__version__)']);
  });

  it('reads bundled/manifest.json, and nothing when there is none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-bundle-'));
    assert.equal(readManifest(dir), undefined);
    fs.mkdirSync(path.join(dir, 'bundled'));
    fs.writeFileSync(path.join(dir, 'bundled', 'manifest.json'), JSON.stringify(manifest));
    assert.deepEqual(readManifest(dir), manifest);
    fs.writeFileSync(path.join(dir, 'bundled', 'manifest.json'), '{"broken"');
    assert.equal(readManifest(dir), undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('inspects a real Python', (t) => {
    let out: string;
    try {
      out = execFileSync('python3', [...INSPECT_ARGS], { encoding: 'utf8' });
    } catch {
      t.skip('no python3 here');
      return;
    }
    const info = parseInspect(out);
    assert.ok(info, out);
    assert.match(info.version, /^3\.\d+\.\d+/);
    assert.equal(info.platform, process.platform);
    assert.equal(parseInspect('Traceback...\nSyntaxError'), undefined);
  });
});
