/**
 * Which server versions this client speaks to, and what a failed probe
 * (`python -c "import blockguide; print(blockguide.__version__)"`) means. No `vscode` import.
 */

/** The server versions this client works with: >= MIN and < BELOW (PEP 440 release numbers). */
export const SERVER_VERSION_MIN = '0.1.0';
export const SERVER_VERSION_BELOW = '1.0.0';

/** `1.2.3`, `0.1.0.dev1`, `0.1.0rc2`, `v0.1` → [1,2,3], [0,1,0], ...; null if there is no release number. */
export function parseRelease(version: string): number[] | null {
  const m = /^\s*v?(\d+(?:\.\d+)*)/.exec(version);
  if (!m) {
    return null;
  }
  return m[1].split('.').map((s) => Number.parseInt(s, 10));
}

export function compareRelease(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) {
      return d < 0 ? -1 : 1;
    }
  }
  return 0;
}

/** A pre-release of the minimum (`0.1.0.dev3`, `0.1.0rc1`) counts as that version. */
export function isCompatibleVersion(version: string, min = SERVER_VERSION_MIN, below = SERVER_VERSION_BELOW): boolean {
  const v = parseRelease(version);
  const lo = parseRelease(min);
  const hi = parseRelease(below);
  if (!v || !lo || !hi) {
    return false;
  }
  return compareRelease(v, lo) >= 0 && compareRelease(v, hi) < 0;
}

export type ProbeProblemKind =
  | 'noPython' // the interpreter cannot be run at all
  | 'notInstalled' // Python runs, `import blockguide` fails with ModuleNotFoundError
  | 'brokenInstall' // `import blockguide` fails otherwise (a broken dependency, a syntax error, ...)
  | 'wrongVersion' // imports, but a version this client does not speak to
  | 'timeout'; // the probe did not answer in time

export type ProbeResult =
  | { ok: true; version: string }
  | { ok: false; kind: ProbeProblemKind; version?: string; detail: string };

/** What running the probe produced (child_process.execFile's outcome, flattened). */
export interface ProbeOutcome {
  /** Node's error code when the process could not be spawned (`ENOENT`, `EACCES`, ...). */
  spawnError?: string;
  timedOut?: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return lines.length ? lines[lines.length - 1] : '';
}

export function classifyProbe(outcome: ProbeOutcome): ProbeResult {
  if (outcome.spawnError) {
    return { ok: false, kind: 'noPython', detail: outcome.spawnError };
  }
  if (outcome.timedOut) {
    return { ok: false, kind: 'timeout', detail: lastLine(outcome.stderr) };
  }
  if (outcome.exitCode !== 0) {
    const err = outcome.stderr;
    // `python3` found on PATH may be a shim or a launcher that exits 127 / 9009 when there is no interpreter.
    const looksMissing = /command not found|No such file or directory|not recognized as/.test(lastLine(err)) && !/Traceback/.test(err);
    if (outcome.exitCode === 127 || outcome.exitCode === 9009 || looksMissing) {
      return { ok: false, kind: 'noPython', detail: lastLine(err) || `exit code ${outcome.exitCode}` };
    }
    if (/(ModuleNotFoundError|ImportError): No module named '?blockguide'?\s*$/m.test(err)) {
      return { ok: false, kind: 'notInstalled', detail: lastLine(err) };
    }
    return { ok: false, kind: 'brokenInstall', detail: lastLine(err) || `exit code ${outcome.exitCode}` };
  }
  const version = lastLine(outcome.stdout);
  if (!isCompatibleVersion(version)) {
    return { ok: false, kind: 'wrongVersion', version, detail: `blockguide ${version || '(no version)'}` };
  }
  return { ok: true, version };
}
