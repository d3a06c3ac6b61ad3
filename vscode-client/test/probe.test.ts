// Runs the real pre-start check against real processes: a missing interpreter, a Python without
// blockguide, and small stand-in "pythons" (shell scripts) that answer like a real one would.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { probeServer } from '../src/lib/probe';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blockguide-probe-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function fakePython(name: string, script: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return file;
}

function systemPython(): string | undefined {
  for (const p of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(p, ['-c', 'import blockguide'], { stdio: 'ignore' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return p; // runs, but has no blockguide
    }
  }
  return undefined;
}

describe('probeServer', { skip: process.platform === 'win32' }, () => {
  it('noPython for a path that does not exist', async () => {
    const r = await probeServer(path.join(dir, 'no-such-python'));
    assert.equal(!r.ok && r.kind, 'noPython');
  });

  it('notInstalled for a real Python without blockguide', { skip: systemPython() === undefined }, async () => {
    const r = await probeServer(systemPython()!, { cwd: dir });
    assert.equal(!r.ok && r.kind, 'notInstalled');
  });

  it('ok for an interpreter that imports blockguide 0.1.0', async () => {
    const r = await probeServer(fakePython('py-ok', 'echo 0.1.0'));
    assert.deepEqual(r, { ok: true, version: '0.1.0' });
  });

  it('wrongVersion for blockguide 1.2.0', async () => {
    const r = await probeServer(fakePython('py-new', 'echo 1.2.0'));
    assert.equal(!r.ok && r.kind, 'wrongVersion');
  });

  it('brokenInstall when the import raises something else', async () => {
    const r = await probeServer(fakePython('py-broken', 'echo "Traceback (most recent call last):" >&2; echo "ImportError: cannot import name \'x\' from \'pygls\'" >&2; exit 1'));
    assert.equal(!r.ok && r.kind, 'brokenInstall');
  });

  it('timeout for an interpreter that hangs', async () => {
    const r = await probeServer(fakePython('py-hang', 'exec sleep 5'), { timeoutMs: 300 });
    assert.equal(!r.ok && r.kind, 'timeout');
  });

  it('passes the check code to the interpreter', async () => {
    const r = await probeServer(fakePython('py-args', '[ "$1" = "-c" ] && [ "$2" = "import blockguide; print(blockguide.__version__)" ] && echo 0.1.3'));
    assert.deepEqual(r, { ok: true, version: '0.1.3' });
  });
});
