import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { chooseInterpreter, defaultPython, describeSource, expandPath, PROBE_ARGS, SERVER_ARGS } from '../src/lib/interpreter';

describe('chooseInterpreter', () => {
  it('takes blockguide.python first, even when the Python extension has an interpreter', () => {
    const i = chooseInterpreter({ setting: '/opt/py/bin/python', pythonExtensionPath: '/venv/bin/python', platform: 'linux' });
    assert.deepEqual(i, { command: '/opt/py/bin/python', source: 'setting' });
  });

  it("falls back to the Python extension's active interpreter", () => {
    const i = chooseInterpreter({ setting: '', pythonExtensionPath: '/work/.venv/bin/python', platform: 'linux' });
    assert.deepEqual(i, { command: '/work/.venv/bin/python', source: 'pythonExtension' });
  });

  it('treats a blank setting as unset', () => {
    assert.equal(chooseInterpreter({ setting: '   ', platform: 'linux' }).source, 'default');
    assert.equal(chooseInterpreter({ setting: null, pythonExtensionPath: null, platform: 'linux' }).source, 'default');
  });

  it('defaults to python3, and python on Windows', () => {
    assert.deepEqual(chooseInterpreter({ platform: 'linux' }), { command: 'python3', source: 'default' });
    assert.deepEqual(chooseInterpreter({ platform: 'darwin' }), { command: 'python3', source: 'default' });
    assert.deepEqual(chooseInterpreter({ platform: 'win32' }), { command: 'python', source: 'default' });
    assert.equal(defaultPython('win32'), 'python');
  });

  it('expands ~, ${userHome}, ${env:X} and ${workspaceFolder} in the setting', () => {
    const common = { platform: 'linux' as const, home: '/home/ada', workspaceFolder: '/ws', env: { VENV: '/venvs/a' } };
    assert.equal(chooseInterpreter({ ...common, setting: '~/.venv/bin/python' }).command, '/home/ada/.venv/bin/python');
    assert.equal(chooseInterpreter({ ...common, setting: '${userHome}/py' }).command, '/home/ada/py');
    assert.equal(chooseInterpreter({ ...common, setting: '${env:VENV}/bin/python' }).command, '/venvs/a/bin/python');
    assert.equal(chooseInterpreter({ ...common, setting: '${workspaceFolder}/.venv/bin/python' }).command, '/ws/.venv/bin/python');
  });

  it('resolves a relative path against the workspace folder but leaves a bare name for PATH', () => {
    const common = { platform: 'linux' as const, workspaceFolder: '/ws' };
    assert.equal(chooseInterpreter({ ...common, setting: '.venv/bin/python' }).command, '/ws/.venv/bin/python');
    assert.equal(chooseInterpreter({ ...common, setting: 'python3.12' }).command, 'python3.12');
    assert.equal(expandPath('.venv/bin/python', { platform: 'linux' }), '.venv/bin/python');
  });

  it('handles Windows paths', () => {
    const i = chooseInterpreter({ setting: '.venv\\Scripts\\python.exe', workspaceFolder: 'C:\\ws', platform: 'win32' });
    assert.equal(i.command, 'C:\\ws\\.venv\\Scripts\\python.exe');
    assert.equal(chooseInterpreter({ setting: 'C:\\Python312\\python.exe', platform: 'win32' }).command, 'C:\\Python312\\python.exe');
  });

  it('says where the interpreter came from', () => {
    assert.match(describeSource({ command: 'x', source: 'setting' }), /blockguide\.python/);
    assert.match(describeSource({ command: 'x', source: 'pythonExtension' }), /Python extension/);
    assert.match(describeSource({ command: 'x', source: 'default' }), /default/);
  });

  it('starts the server and probes it as the protocol says', () => {
    assert.deepEqual([...SERVER_ARGS], ['-m', 'blockguide', 'serve']);
    assert.deepEqual([...PROBE_ARGS], ['-c', 'import blockguide; print(blockguide.__version__)']);
  });
});
