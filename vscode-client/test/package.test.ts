// package.json (the manifest VS Code reads) agrees with the code and the protocol.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CLIENT_COMMANDS, SUPPORTED_LANGUAGES } from '../src/lib/languages';
import { CLIENT_ONLY_KEYS, SERVER_SETTING_DEFAULTS } from '../src/lib/settings';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const props: Record<string, { default: unknown; description?: string; markdownDescription?: string }> = pkg.contributes.configuration.properties;

describe('package.json', () => {
  it('declares every server setting with the protocol default, plus the client-only ones', () => {
    const keys = Object.keys(props).map((k) => k.replace(/^blockguide\./, '')).sort();
    assert.deepEqual(keys, [...Object.keys(SERVER_SETTING_DEFAULTS), ...CLIENT_ONLY_KEYS].sort());
    assert.equal(props['blockguide.serverSource'].default, 'bundled');
    for (const [key, value] of Object.entries(SERVER_SETTING_DEFAULTS)) {
      assert.deepEqual(props[`blockguide.${key}`].default, value, key);
    }
    for (const [key, p] of Object.entries(props)) assert.ok(p.description || p.markdownDescription, `${key} has a description`);
  });

  it('activates only on the supported languages (commands activate implicitly)', () => {
    assert.deepEqual(pkg.activationEvents, SUPPORTED_LANGUAGES.map((l) => `onLanguage:${l}`));
    assert.ok(!pkg.activationEvents.includes('*'));
  });

  it('contributes the client commands', () => {
    assert.deepEqual(pkg.contributes.commands.map((c: { command: string }) => c.command).sort(), [...CLIENT_COMMANDS].sort());
    assert.equal(pkg.contributes.commands.find((c: { command: string }) => c.command === 'blockguide.documentBlock').title, 'Document this block');
  });

  it('shows "Document this block" in the editor menu with a selection or inside a definition, for supported languages', () => {
    const entry = pkg.contributes.menus['editor/context'].find((m: { command: string }) => m.command === 'blockguide.documentBlock');
    assert.match(entry.when, /^\(editorHasSelection \|\| blockguide\.insideDefinition\) && editorLangId =~ /);
    const langs = /\/\^\((.*)\)\$\//.exec(entry.when)![1].split('|');
    assert.deepEqual(langs, [...SUPPORTED_LANGUAGES]);
    const key = pkg.contributes.keybindings.find((k: { command: string }) => k.command === 'blockguide.documentBlock');
    assert.equal(key.key, 'ctrl+alt+d');
  });

  it('packages the bundled server (bundled/) and builds per platform', () => {
    const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split(/\r?\n/);
    assert.ok(ignore.includes('!bundled/**'), '.vscodeignore keeps bundled/');
    assert.doesNotMatch(pkg.scripts.package, / -o /, 'the Makefile names the per-target .vsix');
  });

  it('targets VS Code ^1.85 and ships what the marketplace needs', () => {
    assert.equal(pkg.engines.vscode, '^1.85.0');
    assert.equal(pkg.license, 'MIT');
    for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE', pkg.icon]) assert.ok(fs.existsSync(path.join(root, f)), f);
    assert.ok(pkg.categories.length > 0);
  });
});
