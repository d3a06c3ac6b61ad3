/** Runs the pre-start checks: `python -c "import blockguide; print(blockguide.__version__)"` and the like. No `vscode` import. */
import { execFile } from 'child_process';
import { PROBE_ARGS } from './interpreter';
import { classifyProbe, ProbeOutcome, ProbeResult } from './version';

export interface ProbeOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Milliseconds; a cold Python with a slow disk can take a few seconds to import. */
  timeoutMs?: number;
  /** The arguments (default PROBE_ARGS: `import blockguide` and print its version). */
  args?: readonly string[];
}

export function runProbe(python: string, opts: ProbeOptions = {}): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    execFile(
      python,
      [...(opts.args ?? PROBE_ARGS)],
      {
        cwd: opts.cwd,
        env: { ...(opts.env ?? process.env), PYTHONIOENCODING: 'utf-8' },
        timeout: opts.timeoutMs ?? 20000,
        windowsHide: true,
        maxBuffer: 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const e = error as (NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: unknown }) | null;
        if (e && typeof e.code === 'string') {
          resolve({ spawnError: e.code, exitCode: null, stdout: String(stdout), stderr: String(stderr) });
          return;
        }
        if (e && e.killed) {
          resolve({ timedOut: true, exitCode: null, stdout: String(stdout), stderr: String(stderr) });
          return;
        }
        resolve({ exitCode: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

export async function probeServer(python: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  return classifyProbe(await runProbe(python, opts));
}
