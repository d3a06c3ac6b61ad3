/**
 * The server inside the .vsix (`bundled/`, written by scripts/bundle_server.py at build time): which folders go on
 * PYTHONPATH for the Python found, and whether that Python can run them at all. Nothing is installed at run
 * time. No `vscode` import.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compareRelease, parseRelease } from './version';

/** bundled/manifest.json */
export interface BundleManifest {
  /** VS Code's platform target the wheels were chosen for (`linux-x64`, `darwin-arm64`, ...). */
  target: string;
  /** The bundled blockguide's version. */
  blockguide: string;
  /** The folder (relative to bundled/) holding everything that serves every Python version. */
  common: string;
  /** CPython `major.minor` → its own folder (relative to bundled/) of compiled packages without an abi3 wheel. */
  pythons: Record<string, string>;
  /** Top-level modules with compiled code: the check before the start imports them all. */
  compiledModules: string[];
}

export const BUNDLE_DIR = 'bundled';

/** Reads the extension's bundled/manifest.json; undefined when this build has no bundled server. */
export function readManifest(extensionPath: string): BundleManifest | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(extensionPath, BUNDLE_DIR, 'manifest.json'), 'utf8'));
    if (raw && typeof raw.common === 'string' && raw.pythons && typeof raw.pythons === 'object') {
      return { compiledModules: [], ...raw } as BundleManifest;
    }
  } catch {
    /* no bundle */
  }
  return undefined;
}

/** `python <these>`: one JSON line with what the interpreter is (run before anything is put on its path). */
export const INSPECT_ARGS: readonly string[] = [
  '-I',
  '-c',
  'import json, platform, sys; print(json.dumps({"version": platform.python_version(), ' +
    '"implementation": sys.implementation.name, "machine": platform.machine(), "platform": sys.platform, ' +
    '"bits": 64 if sys.maxsize > 2**32 else 32}))',
];

export interface PythonInfo {
  version: string;
  implementation: string;
  machine: string;
  platform: string;
  bits: number;
}

export function parseInspect(stdout: string): PythonInfo | undefined {
  const line = stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('{')).pop();
  try {
    const info = line ? JSON.parse(line) : undefined;
    return info && typeof info.version === 'string' ? (info as PythonInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** The Python versions the bundle serves, oldest first (`3.10`, ..., `3.14`). */
export function servedVersions(manifest: BundleManifest): string[] {
  return Object.keys(manifest.pythons)
    .filter((v) => parseRelease(v))
    .sort((a, b) => compareRelease(parseRelease(a)!, parseRelease(b)!));
}

/** `3.10 to 3.14` */
export function servedRange(manifest: BundleManifest): string {
  const v = servedVersions(manifest);
  return v.length > 1 ? `${v[0]} to ${v[v.length - 1]}` : v[0] ?? '(none)';
}

const NODE_PLATFORM: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'win32' };
const MACHINE: Record<string, string> = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64' };

export type BundleCheck =
  | { ok: true; pythonPath: string[] }
  | { ok: false; kind: 'pythonVersion' | 'pythonAbi'; detail: string };

/**
 * Can this Python run the bundled server? Its version must be one the bundle has a folder for (which also
 * says its minimum), it must be CPython (the compiled wheels are CPython's), and its platform and machine
 * must be the .vsix target's. On success, the folders to put on PYTHONPATH (absolute).
 */
export function checkPython(info: PythonInfo, manifest: BundleManifest, bundleRoot: string): BundleCheck {
  const release = parseRelease(info.version);
  const minor = release ? `${release[0]}.${release[1] ?? 0}` : '';
  const range = servedRange(manifest);
  if (!(minor in manifest.pythons)) {
    return { ok: false, kind: 'pythonVersion', detail: `it is Python ${info.version}; the bundled server needs Python ${range}` };
  }
  if (info.implementation !== 'cpython') {
    return { ok: false, kind: 'pythonAbi', detail: `it is ${info.implementation} ${info.version}; the bundled server's compiled packages need CPython ${range}` };
  }
  const [os, arch] = manifest.target.split('-');
  const machine = MACHINE[info.machine.toLowerCase()] ?? info.machine;
  if ((NODE_PLATFORM[info.platform] ?? info.platform) !== os || (arch && (machine !== arch || info.bits !== 64))) {
    return {
      ok: false,
      kind: 'pythonAbi',
      detail: `it runs on ${info.platform} ${info.machine} (${info.bits}-bit); this extension's bundled server is built for ${manifest.target}`,
    };
  }
  return { ok: true, pythonPath: [manifest.common, manifest.pythons[minor]].map((p) => path.join(bundleRoot, p)) };
}

/** The environment the bundled server runs with: its folders first on PYTHONPATH, the user's site left out. */
export function bundledEnv(base: NodeJS.ProcessEnv, pythonPath: string[], delimiter = path.delimiter): NodeJS.ProcessEnv {
  return { ...base, PYTHONPATH: pythonPath.join(delimiter), PYTHONNOUSERSITE: '1' };
}

/** `python <these>` with the bundle on the path: imports blockguide and every compiled module, prints the version. */
export function bundledProbeArgs(manifest: BundleManifest): string[] {
  const modules = ['blockguide', ...manifest.compiledModules.filter((m) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(m))];
  return ['-c', `import ${modules.join(', ')}; print(blockguide.__version__)`];
}
