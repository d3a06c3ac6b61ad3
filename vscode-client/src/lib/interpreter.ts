/**
 * Which Python runs the server: `blockguide.python`, else the Python extension's active
 * interpreter, else `python3` (`python` on Windows). No `vscode` import here.
 */
import * as os from 'os';
import * as path from 'path';

export type InterpreterSource = 'setting' | 'pythonExtension' | 'default';

export interface Interpreter {
  /** Executable to spawn (an absolute path, or a name looked up on PATH). */
  command: string;
  source: InterpreterSource;
}

export interface InterpreterInputs {
  /** The raw `blockguide.python` value. */
  setting?: string | null;
  /** The Python extension's active interpreter, if that extension is installed and answered. */
  pythonExtensionPath?: string | null;
  platform?: NodeJS.Platform;
  /** For `${workspaceFolder}` and relative paths in the setting. */
  workspaceFolder?: string;
  env?: Record<string, string | undefined>;
  home?: string;
}

export function defaultPython(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'python' : 'python3';
}

/**
 * Expand what people write in a path setting: `~`, `${userHome}`, `${workspaceFolder}`,
 * `${env:NAME}`. A relative path that names a file (has a separator) is taken relative to the
 * workspace folder; a bare name (`python3.12`) is left for PATH lookup.
 */
export function expandPath(
  value: string,
  opts: { workspaceFolder?: string; env?: Record<string, string | undefined>; home?: string; platform?: NodeJS.Platform } = {},
): string {
  const env = opts.env ?? process.env;
  const home = opts.home ?? os.homedir();
  const platform = opts.platform ?? process.platform;
  const p = platform === 'win32' ? path.win32 : path.posix;
  let out = value.trim();
  out = out.replace(/\$\{userHome\}/g, home);
  out = out.replace(/\$\{env:([^}]+)\}/g, (_m, name: string) => env[name] ?? '');
  if (opts.workspaceFolder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, opts.workspaceFolder);
  }
  if (out === '~' || out.startsWith('~/') || (platform === 'win32' && out.startsWith('~\\'))) {
    out = home + out.slice(1);
  }
  const hasSeparator = out.includes('/') || (platform === 'win32' && out.includes('\\'));
  if (hasSeparator && !p.isAbsolute(out) && opts.workspaceFolder !== undefined && !out.includes('${')) {
    out = p.join(opts.workspaceFolder, out);
  }
  return out;
}

export function chooseInterpreter(inputs: InterpreterInputs): Interpreter {
  const platform = inputs.platform ?? process.platform;
  const setting = (inputs.setting ?? '').trim();
  if (setting !== '') {
    return {
      command: expandPath(setting, { workspaceFolder: inputs.workspaceFolder, env: inputs.env, home: inputs.home, platform }),
      source: 'setting',
    };
  }
  const fromExtension = (inputs.pythonExtensionPath ?? '').trim();
  if (fromExtension !== '') {
    return { command: fromExtension, source: 'pythonExtension' };
  }
  return { command: defaultPython(platform), source: 'default' };
}

export function describeSource(interpreter: Interpreter): string {
  switch (interpreter.source) {
    case 'setting':
      return 'from the blockguide.python setting';
    case 'pythonExtension':
      return "the Python extension's active interpreter";
    default:
      return 'the default, since blockguide.python is empty and the Python extension is not installed';
  }
}

/** The arguments that start the server over stdio (docs/PROTOCOL.md, "Starting"). */
export const SERVER_ARGS: readonly string[] = ['-m', 'blockguide', 'serve'];

/** The quick check run before starting the server. */
export const PROBE_ARGS: readonly string[] = ['-c', 'import blockguide; print(blockguide.__version__)'];
