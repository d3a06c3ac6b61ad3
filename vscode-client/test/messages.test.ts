import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Interpreter } from '../src/lib/interpreter';
import {
  ACTION_OPEN_SETTING,
  fixCommand,
  fixSetting,
  startErrorMessage,
  StartProblem,
  statusView,
  summarizeDoctor,
} from '../src/lib/messages';

const fromSetting: Interpreter = { command: '/usr/bin/python3', source: 'setting' };
const fromDefault: Interpreter = { command: 'python3', source: 'default' };

describe('startErrorMessage', () => {
  const problems: StartProblem[] = [
    { ok: false, kind: 'noPython', detail: 'ENOENT' },
    { ok: false, kind: 'notInstalled', detail: "ModuleNotFoundError: No module named 'blockguide'" },
    { ok: false, kind: 'wrongVersion', version: '2.0.0', detail: 'blockguide 2.0.0' },
    { ok: false, kind: 'brokenInstall', detail: "ModuleNotFoundError: No module named 'pygls'" },
    { ok: false, kind: 'timeout', detail: '' },
    { ok: false, kind: 'startFailed', detail: 'OSError: [Errno 98] Address already in use' },
    { ok: false, kind: 'crashed', detail: 'Segmentation fault' },
    { ok: false, kind: 'pythonVersion', detail: 'it is Python 3.8.10; the bundled server needs Python 3.10 to 3.14' },
    { ok: false, kind: 'pythonAbi', detail: 'it is pypy 3.10.14; the bundled server needs CPython 3.10 to 3.14' },
    { ok: false, kind: 'noBundle', detail: 'no /ext/bundled/manifest.json' },
  ];

  it('offers only "Open setting": nothing is installed from the message (no pip)', () => {
    for (const source of ['bundled', 'environment'] as const) {
      for (const p of problems) {
        const m = startErrorMessage(p, fromSetting, source, '3.10 to 3.14');
        assert.deepEqual(m.actions, [ACTION_OPEN_SETTING], p.kind);
        assert.match(m.setting, /^blockguide\.(python|serverSource)$/, p.kind);
        assert.match(m.text, /^(Blockguide|This build of Blockguide)/, p.kind);
        assert.doesNotMatch(m.text, /pip install/, p.kind);
        if (p.kind !== 'noBundle') assert.ok(m.text.includes('/usr/bin/python3'), `${p.kind}: names the interpreter`);
      }
    }
  });

  it('says what is wrong in each case, and what to install or set', () => {
    const text = (i: number, interp = fromSetting, source: 'bundled' | 'environment' = 'environment') =>
      startErrorMessage(problems[i], interp, source, '3.10 to 3.14').text;
    assert.match(text(0), /no Python interpreter/);
    assert.match(text(0, fromDefault), /python3 \(the default/);
    assert.match(text(0, fromDefault, 'bundled'), /needs Python 3\.10 to 3\.14 to run its server and found no Python at python3 .*Install Python 3\.10 to 3\.14/);
    assert.match(text(1), /not installed in \/usr\/bin\/python3 \(from the blockguide\.python setting\).*serverSource to "bundled"/);
    assert.match(text(2), /has blockguide 2\.0\.0, this extension needs >= 0\.1\.0, < 1\.0\.0/);
    assert.match(text(3), /import blockguide" fails.*pygls/);
    assert.match(text(4), /did not answer/);
    assert.match(text(5), /failed to start: OSError/);
    assert.match(text(6), /stopped repeatedly/);
    assert.match(text(7, fromSetting, 'bundled'), /Python 3\.8\.10.*Install Python 3\.10 to 3\.14 .* or set blockguide\.python/);
    assert.match(text(8, fromSetting, 'bundled'), /pypy.*Set blockguide\.python to a CPython 3\.10 to 3\.14/);
    assert.match(text(9, fromSetting, 'bundled'), /no bundled server.*serverSource to "environment"/);
  });

  it('opens the setting that fixes it', () => {
    assert.equal(startErrorMessage(problems[1], fromSetting, 'environment').setting, 'blockguide.serverSource');
    assert.equal(startErrorMessage(problems[7], fromSetting, 'bundled').setting, 'blockguide.python');
  });

  it('keeps long details short', () => {
    const m = startErrorMessage({ ok: false, kind: 'brokenInstall', detail: 'x'.repeat(1000) }, fromSetting, 'environment');
    assert.ok(m.text.length < 500);
  });
});

describe('statusView', () => {
  it('shows the model and the state', () => {
    assert.equal(statusView({ state: 'ready', model: 'blockguide-tiny', host: 'http://127.0.0.1:11434' }).text, '$(book) blockguide-tiny: ready');
    assert.match(statusView({ state: 'generating', model: 'm' }).text, /sync~spin.*m: generating/);
    const down = statusView({ state: 'unreachable', model: 'm', host: 'http://h:1', detail: 'connection refused' });
    assert.equal(down.text, '$(warning) m: model server unreachable');
    assert.equal(down.severity, 'warning');
    assert.match(down.tooltip, /http:\/\/h:1/);
    assert.match(down.tooltip, /connection refused/);
    assert.match(down.tooltip, /choose the model/);
    assert.match(statusView({ state: 'modelMissing', model: 'm' }).text, /model missing/);
  });
  it('has client-side states', () => {
    assert.match(statusView('starting').text, /starting/);
    assert.equal(statusView('notRunning').severity, 'error');
  });
});

describe('summarizeDoctor', () => {
  it('all good', () => {
    const s = summarizeDoctor({ ok: true, checks: [{ name: 'model server', ok: true, detail: 'ollama 0.11.4' }, { name: 'model', ok: true }] });
    assert.equal(s.ok, true);
    assert.equal(s.message, 'Blockguide doctor: all 2 checks passed.');
    assert.deepEqual(s.report, ['✓ model server: ollama 0.11.4', '✓ model']);
  });
  it('names the first failure and its fix', () => {
    const s = summarizeDoctor({
      ok: false,
      checks: [
        { name: 'model server', ok: true, detail: 'http://127.0.0.1:11434' },
        { name: 'model', ok: false, detail: 'blockguide-tiny is not installed', fix: 'run `ollama pull blockguide-tiny`' },
        { name: 'cache', ok: false, detail: 'read-only', fix: 'check permissions' },
      ],
    });
    assert.equal(s.ok, false);
    assert.equal(s.message, 'Blockguide doctor: model failed — blockguide-tiny is not installed. Fix: run `ollama pull blockguide-tiny` (1 more problem in the report)');
    assert.equal(s.command, 'ollama pull blockguide-tiny');
    assert.equal(s.setting, undefined);
    assert.equal(s.report[1], '✗ model: blockguide-tiny is not installed — fix: run `ollama pull blockguide-tiny`');
  });
  it('copes with a malformed answer', () => {
    assert.equal(summarizeDoctor(null).ok, false);
    assert.equal(summarizeDoctor({ ok: false }).ok, false);
  });
  it('recognises fixes that are commands, and the settings they name (texts as the server words them)', () => {
    const unreachable = 'Cannot reach Ollama at http://127.0.0.1:11434: start it with `ollama serve` (or `make ollama-serve`), or point the `blockguide.ollamaHost` setting at a running server.';
    assert.equal(fixCommand(unreachable), 'ollama serve');
    assert.equal(fixSetting(unreachable), 'blockguide.ollamaHost');
    const missing = "The model 'qwen' is not available in Ollama at http://h:1: run `ollama pull qwen` on a machine with internet, or choose another `blockguide.model`.";
    assert.equal(fixCommand(missing), 'ollama pull qwen');
    assert.equal(fixSetting(missing), 'blockguide.model');
    assert.equal(fixCommand('run `make model` in the blockguide checkout'), undefined);
    assert.equal(fixCommand("reinstall the grammars: pip install 'tree-sitter-language-pack==0.13.0'"), undefined);
    assert.equal(fixCommand("pip install 'tree-sitter-language-pack==0.13.0'"), "pip install 'tree-sitter-language-pack==0.13.0'");
    assert.equal(fixCommand('Set blockguide.ollamaHost to the server URL'), undefined);
    assert.equal(fixCommand(undefined), undefined);
    assert.equal(fixSetting(''), undefined);
  });
});
