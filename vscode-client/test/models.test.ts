// The model assistant's pure part: command lines, what `blockguide model list|install --json` output means,
// the texts, the quick pick.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  ACTION_CHOOSE_MODEL,
  ACTION_INSTALL_MODEL,
  classifyList,
  hasModel,
  installArgs,
  InstallProgress,
  listArgs,
  missingModelActions,
  missingModelMessage,
  parseInstallLine,
  pickItems,
  progressText,
  sameModel,
  settingName,
  unreachableMessage,
} from '../src/lib/models';

const LISTED = JSON.stringify({
  host: 'http://127.0.0.1:11434',
  models: [
    { name: 'blockguide-tiny:latest', size: 98362432, inUse: true, family: 'llama', parameterSize: '134.52M', quantization: 'Q4_1' },
    { name: 'qwen2.5-coder:1.5b', size: 986000000, inUse: false, parameterSize: '1.5B', quantization: 'Q4_K_M' },
  ],
});

describe('command lines', () => {
  it('pass the host and model only when there is one', () => {
    assert.deepEqual(listArgs(), ['-m', 'blockguide', 'model', 'list', '--json']);
    assert.deepEqual(listArgs(' http://h:1 ', 'qwen'), ['-m', 'blockguide', 'model', 'list', '--json', '--host', 'http://h:1', '--model', 'qwen']);
    assert.deepEqual(installArgs(''), ['-m', 'blockguide', 'model', 'install', '--json', '--model', 'blockguide-tiny']);
    assert.deepEqual(installArgs('http://h:1').slice(-2), ['--host', 'http://h:1']);
  });
});

describe('classifyList', () => {
  it('reads the JSON of a successful listing', () => {
    const r = classifyList(0, LISTED, '');
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.equal(r.host, 'http://127.0.0.1:11434');
    assert.deepEqual(r.models.map((m) => [m.name, m.inUse]), [['blockguide-tiny:latest', true], ['qwen2.5-coder:1.5b', false]]);
  });
  it('tells an absent Ollama from other failures', () => {
    const r = classifyList(1, '', 'blockguide: cannot reach Ollama at http://127.0.0.1:9: start it with `ollama serve`\n');
    assert.deepEqual(r, { kind: 'unreachable', message: 'cannot reach Ollama at http://127.0.0.1:9: start it with `ollama serve`' });
    assert.equal(classifyList(1, '', 'blockguide: the Ollama host is not a valid URL\n').kind, 'failed');
    assert.equal(classifyList(0, 'garbage', '').kind, 'failed');
  });
  it('names an old package without the model command', () => {
    const r = classifyList(2, '', "usage: blockguide ...\nblockguide: error: argument command: invalid choice: 'model' (choose from 'doc', 'check', 'serve')\n");
    assert.equal(r.kind, 'failed');
    assert.match(r.kind === 'failed' ? r.message : '', /serverSource = bundled/);
  });
});

describe('model names', () => {
  it('treat name and name:latest as one model', () => {
    assert.ok(sameModel('blockguide-tiny', 'blockguide-tiny:latest'));
    assert.ok(!sameModel('qwen:1.5b', 'qwen'));
    assert.ok(hasModel([{ name: 'blockguide-tiny:latest', size: 1, inUse: false }], 'blockguide-tiny'));
    assert.equal(settingName('blockguide-tiny:latest'), 'blockguide-tiny');
    assert.equal(settingName('qwen:1.5b'), 'qwen:1.5b');
  });
});

describe('install progress', () => {
  it('parses the JSON lines and ignores anything else', () => {
    assert.deepEqual(parseInstallLine('{"stage": "downloading x.whl", "done": 10, "total": 100}'), { kind: 'progress', stage: 'downloading x.whl', done: 10, total: 100 });
    assert.deepEqual(parseInstallLine('{"result": "installed", "model": "blockguide-tiny", "host": "http://h:1", "seconds": 1.2}'), {
      kind: 'result', result: 'installed', model: 'blockguide-tiny', host: 'http://h:1',
    });
    assert.deepEqual(parseInstallLine('{"error": "the disk is full"}'), { kind: 'error', message: 'the disk is full' });
    assert.equal(parseInstallLine('not json'), undefined);
    assert.equal(parseInstallLine('[1]'), undefined);
  });
  it('shows megabytes when the size is known', () => {
    assert.equal(progressText({ stage: 'downloading x.whl', done: 45_100_000, total: 92_871_040 }), 'downloading x.whl: 45.1 / 92.9 MB');
    assert.equal(progressText({ stage: 'creating blockguide-tiny', done: 0, total: 0 }), 'creating blockguide-tiny');
  });
  it('fills the bar once: half download, half copy; never backwards, never past 100', () => {
    const p = new InstallProgress();
    const incs = [
      p.next({ stage: 'downloading w', done: 50, total: 100 }),
      p.next({ stage: 'downloading w', done: 100, total: 100 }),
      p.next({ stage: 'copying the model into Ollama', done: 10, total: 10 }),
      p.next({ stage: 'copying the model into Ollama', done: 5, total: 10 }),
      p.next({ stage: 'creating', done: 0, total: 0 }),
    ];
    assert.deepEqual(incs, [25, 25, 50, 0, 0]);
    const q = new InstallProgress(); // a local wheel: no download, the copy is the whole bar
    assert.equal(q.next({ stage: 'copying the model into Ollama', done: 10, total: 10 }), 100);
  });
});

describe('messages', () => {
  it('offers the install, and the choice only when Ollama has other models', () => {
    assert.equal(
      missingModelMessage('blockguide-tiny', 'http://h:1', 0),
      'Blockguide: the model "blockguide-tiny" is not in Ollama at http://h:1. Install the bundled model (blockguide-tiny, a ≈ 100 MB download).',
    );
    assert.match(missingModelMessage('qwen', 'http://h:1', 2), /or choose one of the 2 models it has\.$/);
    assert.deepEqual(missingModelActions(0), [ACTION_INSTALL_MODEL]);
    assert.deepEqual(missingModelActions(1), [ACTION_INSTALL_MODEL, ACTION_CHOOSE_MODEL]);
    assert.equal(ACTION_INSTALL_MODEL, 'Install the bundled model (≈ 100 MB)');
  });
  it('says how to start Ollama and what happens meanwhile', () => {
    const m = unreachableMessage('http://127.0.0.1:11434');
    assert.match(m, /`ollama serve`/);
    assert.match(m, /from the code alone/);
    assert.match(unreachableMessage(undefined, false), /fails/);
  });
});

describe('pickItems', () => {
  it('lists the model in use first, then the others, "none", and the install when the bundled model is absent', () => {
    const r = classifyList(0, LISTED, '');
    const models = r.kind === 'ok' ? r.models : [];
    const items = pickItems(models, 'qwen2.5-coder:1.5b');
    assert.deepEqual(items.map((i) => i.model), ['qwen2.5-coder:1.5b', 'blockguide-tiny', 'none']);
    assert.equal(items[0].label, '$(check) qwen2.5-coder:1.5b');
    assert.match(items[0].description ?? '', /986\.0 MB · 1\.5B · Q4_K_M — in use/);
    const without = pickItems([models[1]], 'blockguide-tiny');
    assert.equal(without[without.length - 1].install, true);
    assert.ok(!without.some((i) => i.label.startsWith('$(check)')));
  });
});
