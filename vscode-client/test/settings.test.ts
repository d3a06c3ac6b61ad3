import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { classifyChange, mapConfigurationItem, SERVER_SETTING_DEFAULTS, SERVER_SETTING_KEYS, toServerSettings } from '../src/lib/settings';

describe('toServerSettings', () => {
  it('passes the server keys and drops client-only ones (python)', () => {
    const wire = toServerSettings({ ...SERVER_SETTING_DEFAULTS, ollamaHost: 'http://10.0.0.2:11434', python: '/usr/bin/python3', trace: { server: 'off' } });
    assert.deepEqual(wire, {
      model: 'blockguide-tiny',
      ollamaHost: 'http://10.0.0.2:11434',
      insertionStyle: 'comment',
      contextBudget: 2048,
      timeout: 120,
      temperature: 0.2,
      seed: 0,
      references: 5,
      maxTokens: 700,
      backend: 'ollama',
      hosts: [],
      offlineFallback: true,
      modelRole: 'auto',
    });
  });

  it('leaves an empty ollamaHost out, so the server uses $OLLAMA_HOST or its default', () => {
    assert.equal('ollamaHost' in toServerSettings({ ollamaHost: '' }), false);
    assert.equal('ollamaHost' in toServerSettings({ ollamaHost: '   ' }), false);
  });

  it('trims strings, keeps other values for the server to validate, skips null/undefined', () => {
    assert.deepEqual(toServerSettings({ model: '  qwen2.5:0.5b ', timeout: 'soon', seed: null, references: undefined }), {
      model: 'qwen2.5:0.5b',
      timeout: 'soon',
    });
  });

  it('is empty for anything but an object', () => {
    assert.deepEqual(toServerSettings(undefined), {});
    assert.deepEqual(toServerSettings(null), {});
    assert.deepEqual(toServerSettings('x'), {});
  });

  it('knows the thirteen server settings of the protocol', () => {
    assert.deepEqual([...SERVER_SETTING_KEYS].sort(), [
      'backend', 'contextBudget', 'hosts', 'insertionStyle', 'maxTokens', 'model', 'modelRole', 'offlineFallback',
      'ollamaHost', 'references', 'seed', 'temperature', 'timeout',
    ]);
  });
});

describe('mapConfigurationItem (workspace/configuration answers)', () => {
  it('maps the whole section', () => {
    assert.deepEqual(mapConfigurationItem('blockguide', { model: 'm', python: '/p', ollamaHost: '' }), { model: 'm' });
  });
  it('answers null for a client-only key and for an empty host', () => {
    assert.equal(mapConfigurationItem('blockguide.python', '/p'), null);
    assert.equal(mapConfigurationItem('blockguide.serverSource', 'bundled'), null);
    assert.equal(mapConfigurationItem('blockguide.ollamaHost', ''), null);
    assert.equal(mapConfigurationItem('blockguide.ollamaHost', 'http://h:1'), 'http://h:1');
    assert.equal(mapConfigurationItem('blockguide.model', 'm'), 'm');
  });
  it('leaves other sections alone', () => {
    assert.deepEqual(mapConfigurationItem('editor', { tabSize: 4 }), { tabSize: 4 });
    assert.equal(mapConfigurationItem(undefined, 3), 3);
  });
});

describe('classifyChange', () => {
  const affects = (...changed: string[]) => (section: string) =>
    changed.some((c) => c === section || c.startsWith(section + '.') || section.startsWith(c + '.'));
  it('restarts only for blockguide.python and blockguide.serverSource', () => {
    assert.equal(classifyChange(affects('blockguide.python')), 'restart');
    assert.equal(classifyChange(affects('blockguide.serverSource')), 'restart');
    assert.equal(classifyChange(affects('blockguide.python', 'blockguide.model')), 'restart');
  });
  it('notifies the running server for its own settings', () => {
    for (const key of SERVER_SETTING_KEYS) assert.equal(classifyChange(affects(`blockguide.${key}`)), 'notify', key);
  });
  it('ignores other settings', () => {
    assert.equal(classifyChange(affects('editor.fontSize')), 'none');
  });
});
