/**
 * The `blockguide.*` settings: which go to the server, and how VS Code's values map onto the
 * wire (docs/PROTOCOL.md, section `blockguide`, camelCase). No `vscode` import here.
 */

/** Settings the server understands, with the defaults declared in package.json. */
export const SERVER_SETTING_DEFAULTS = {
  model: 'blockguide-tiny',
  ollamaHost: '',
  insertionStyle: 'comment',
  contextBudget: 2048,
  timeout: 120,
  temperature: 0.2,
  seed: 0,
  references: 5,
  maxTokens: 700,
  backend: 'ollama',
  hosts: [] as string[],
  offlineFallback: true,
  modelRole: 'auto',
} as const;

export type ServerSettingKey = keyof typeof SERVER_SETTING_DEFAULTS;
export const SERVER_SETTING_KEYS = Object.keys(SERVER_SETTING_DEFAULTS) as ServerSettingKey[];

/** Settings only the client reads; they are never sent to the server. */
export const CLIENT_ONLY_KEYS = ['python', 'serverSource'] as const;

/** Settings whose change needs a new server process rather than didChangeConfiguration. */
export const RESTART_KEYS = ['python', 'serverSource'] as const;

export type WireSettings = Partial<Record<ServerSettingKey, unknown>>;

/**
 * VS Code's `blockguide` section (an object with any keys) → what the server gets.
 * - only the server's keys, so the server never reports `python` as unknown;
 * - `undefined`/`null` are left out (the server keeps its default);
 * - an empty or blank `ollamaHost` is left out: the server then uses `$OLLAMA_HOST`, else
 *   `http://127.0.0.1:11434` (a VS Code default cannot express "the server's environment");
 * - strings are trimmed; other values pass unchanged (the server validates and reports once).
 */
export function toServerSettings(section: unknown): WireSettings {
  const out: WireSettings = {};
  if (section === null || typeof section !== 'object') {
    return out;
  }
  const raw = section as Record<string, unknown>;
  for (const key of SERVER_SETTING_KEYS) {
    let value = raw[key];
    if (value === undefined || value === null) {
      continue;
    }
    if (typeof value === 'string') {
      value = value.trim();
      if (key === 'ollamaHost' && value === '') {
        continue;
      }
    }
    out[key] = value;
  }
  return out;
}

/**
 * Answer a `workspace/configuration` item: the whole `blockguide` section is mapped; a single
 * `blockguide.<key>` item is mapped too (a client-only key answers null).
 */
export function mapConfigurationItem(section: string | undefined, value: unknown): unknown {
  if (section === 'blockguide') {
    return toServerSettings(value);
  }
  if (section !== undefined && section.startsWith('blockguide.')) {
    const key = section.slice('blockguide.'.length);
    if ((CLIENT_ONLY_KEYS as readonly string[]).includes(key)) {
      return null;
    }
    if (key === 'ollamaHost' && typeof value === 'string' && value.trim() === '') {
      return null;
    }
  }
  return value;
}

/** What a configuration change means for the running server. */
export type SettingsChange = 'restart' | 'notify' | 'none';

/** `affects(section)` is `ConfigurationChangeEvent.affectsConfiguration` (or a test double). */
export function classifyChange(affects: (section: string) => boolean): SettingsChange {
  if (RESTART_KEYS.some((k) => affects(`blockguide.${k}`))) {
    return 'restart';
  }
  if (SERVER_SETTING_KEYS.some((k) => affects(`blockguide.${k}`))) {
    return 'notify';
  }
  return 'none';
}
