/** User-facing texts. No `vscode` import. */
import { describeSource, Interpreter } from './interpreter';
import { ProbeResult, SERVER_VERSION_BELOW, SERVER_VERSION_MIN } from './version';

export const ACTION_OPEN_SETTING = 'Open setting';
export const ACTION_SHOW_LOGS = 'Show logs';

/** Where the server's Python code comes from (`blockguide.serverSource`). */
export type ServerSource = 'bundled' | 'environment';

/** Why the server is not running, as far as the client can tell. */
export type StartProblem =
  | Exclude<ProbeResult, { ok: true }>
  | { ok: false; kind: 'startFailed'; detail: string }
  | { ok: false; kind: 'crashed'; detail: string }
  /** bundled: this build of the extension has no bundled/ folder */
  | { ok: false; kind: 'noBundle'; detail: string }
  /** bundled: a Python version the bundle has no packages for */
  | { ok: false; kind: 'pythonVersion'; detail: string }
  /** bundled: not CPython, another platform, or the compiled packages do not load */
  | { ok: false; kind: 'pythonAbi'; detail: string };

export interface StartErrorMessage {
  text: string;
  actions: string[];
  /** The setting "Open setting" opens. */
  setting: string;
}

function clip(text: string, max = 200): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/**
 * One message per failed start, saying what to install or set, with "Open setting". Nothing is ever installed
 * from here: the bundled server needs only a Python; `environment` is for a Python with its own blockguide.
 * `pythons` is the range the bundled server serves (`3.10 to 3.14`).
 */
export function startErrorMessage(problem: StartProblem, interpreter: Interpreter, source: ServerSource = 'bundled', pythons = '3'): StartErrorMessage {
  const py = interpreter.command;
  const where = `${py} (${describeSource(interpreter)})`;
  const range = `>= ${SERVER_VERSION_MIN}, < ${SERVER_VERSION_BELOW}`;
  const needPython = `Install Python ${pythons} (python.org, or your system's packages) or set blockguide.python to one.`;
  const useBundled = 'Set blockguide.serverSource to "bundled" to use the server inside the extension, or set blockguide.python to a Python that has blockguide.';
  let text: string;
  let setting = 'blockguide.python';
  switch (problem.kind) {
    case 'noPython':
      text =
        source === 'bundled'
          ? `Blockguide needs Python ${pythons} to run its server and found no Python at ${where}${problem.detail ? ` [${clip(problem.detail, 80)}]` : ''}. ${needPython}`
          : `Blockguide cannot start its server: no Python interpreter at ${where}${problem.detail ? ` [${clip(problem.detail, 80)}]` : ''}. Set blockguide.python to a Python 3 that has the blockguide package.`;
      break;
    case 'pythonVersion':
      text = `Blockguide cannot run its server with ${where}: ${clip(problem.detail)}. ${needPython}`;
      break;
    case 'pythonAbi':
      text = `Blockguide cannot run its server with ${where}: ${clip(problem.detail)}. Set blockguide.python to a CPython ${pythons} of this machine's platform.`;
      break;
    case 'noBundle':
      setting = 'blockguide.serverSource';
      text = `This build of Blockguide has no bundled server (${clip(problem.detail, 120)}). Set blockguide.serverSource to "environment" and blockguide.python to a Python with blockguide, or install the .vsix built for this platform.`;
      break;
    case 'notInstalled':
      setting = 'blockguide.serverSource';
      text = `Blockguide cannot start its server: the blockguide package is not installed in ${where} (blockguide.serverSource is "environment"). ${useBundled}`;
      break;
    case 'wrongVersion':
      setting = 'blockguide.serverSource';
      text = `Blockguide cannot start its server: ${where} has blockguide ${problem.version || '(unknown version)'}, this extension needs ${range}. ${useBundled}`;
      break;
    case 'brokenInstall':
      setting = 'blockguide.serverSource';
      text = `Blockguide cannot start its server: "import blockguide" fails in ${where}: ${clip(problem.detail)}. ${useBundled}`;
      break;
    case 'timeout':
      text = `Blockguide cannot start its server: ${where} did not answer in time. Check the interpreter in blockguide.python.`;
      break;
    case 'startFailed':
      text = `Blockguide's server (${py} -m blockguide serve) failed to start: ${clip(problem.detail)}. See "Blockguide: Show logs".`;
      break;
    case 'crashed':
      text = `Blockguide's server (${py} -m blockguide serve) stopped repeatedly and will not be restarted: ${clip(problem.detail)}. See "Blockguide: Show logs".`;
      break;
  }
  return { text, actions: [ACTION_OPEN_SETTING], setting };
}

// ---------------------------------------------------------------------------------------------
// blockguide/status → the status-bar item

export interface ServerStatus {
  state: 'ready' | 'generating' | 'unreachable' | 'modelMissing' | string;
  model?: string;
  host?: string;
  detail?: string;
}

/** Client-side states shown before/without a server status. */
export type ClientState = 'starting' | 'notRunning';

export interface StatusView {
  text: string;
  tooltip: string;
  /** Show with the warning/error background. */
  severity: 'normal' | 'warning' | 'error';
}

const CLICK = 'Click to choose the model ("Blockguide: Check setup (doctor)" checks the whole setup).';

export function statusView(status: ServerStatus | ClientState): StatusView {
  if (status === 'starting') {
    return { text: '$(loading~spin) Blockguide: starting', tooltip: 'Blockguide: starting the server…', severity: 'normal' };
  }
  if (status === 'notRunning') {
    return { text: '$(error) Blockguide: not running', tooltip: 'Blockguide: the server is not running. Click for the reason.', severity: 'error' };
  }
  const model = status.model || 'blockguide';
  const lines = [`Blockguide — model ${model}`];
  if (status.host) lines.push(`Model server: ${status.host}`);
  let text: string;
  let severity: StatusView['severity'] = 'normal';
  switch (status.state) {
    case 'ready':
      text = `$(book) ${model}: ready`;
      lines.push('State: ready');
      break;
    case 'generating':
      text = `$(sync~spin) ${model}: generating`;
      lines.push('State: generating a guide');
      break;
    case 'unreachable':
      text = `$(warning) ${model}: model server unreachable`;
      lines.push('State: the model server does not answer');
      severity = 'warning';
      break;
    case 'modelMissing':
      text = `$(warning) ${model}: model missing`;
      lines.push(`State: the model server has no model "${model}"`);
      severity = 'warning';
      break;
    default:
      text = `$(book) ${model}: ${status.state}`;
      lines.push(`State: ${status.state}`);
  }
  if (status.detail) lines.push(status.detail);
  lines.push(CLICK);
  return { text, tooltip: lines.join('\n'), severity };
}

// ---------------------------------------------------------------------------------------------
// blockguide.doctor → one message

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail?: string;
  fix?: string | null;
}

export interface DoctorResult {
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorSummary {
  ok: boolean;
  /** The message to show (the first failing check and its fix, or "all good"). */
  message: string;
  /** The first failing check's fix, if any. */
  fix?: string;
  /** A fix that is a shell command (e.g. `ollama pull X`), if the first failing check has one. */
  command?: string;
  /** A `blockguide.*` setting the fix names, to open. */
  setting?: string;
  /** The whole report, one line per check, for the output channel. */
  report: string[];
}

/**
 * A fix is offered as a terminal command when it is, or quotes in backticks, an `ollama`, `pip`
 * or `python` command line (`make model` is left out: it must run in the blockguide checkout).
 */
export function fixCommand(fix: string | undefined | null): string | undefined {
  if (!fix) return undefined;
  const quoted = [...fix.matchAll(/`([^`]+)`/g)].map((m) => m[1].trim());
  for (const candidate of quoted.length ? quoted : [fix.trim()]) {
    if (/^(ollama|pip3?|python3?(\.\d+)?)\s/.test(candidate) && !/\n/.test(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** The first `blockguide.<setting>` a fix names. */
export function fixSetting(fix: string | undefined | null): string | undefined {
  const m = /\bblockguide\.([A-Za-z]+)\b/.exec(fix ?? '');
  return m ? `blockguide.${m[1]}` : undefined;
}

export function summarizeDoctor(result: unknown): DoctorSummary {
  const r = result as Partial<DoctorResult> | null | undefined;
  const checks: DoctorCheck[] = Array.isArray(r?.checks) ? (r!.checks as DoctorCheck[]) : [];
  const report = checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}${c.detail ? `: ${c.detail}` : ''}${!c.ok && c.fix ? ` — fix: ${c.fix}` : ''}`);
  const failed = checks.filter((c) => !c.ok);
  const ok = r?.ok === true && failed.length === 0;
  if (ok) {
    return { ok, message: `Blockguide doctor: all ${checks.length} checks passed.`, report };
  }
  if (failed.length === 0) {
    return { ok: false, message: 'Blockguide doctor: the server reported a problem without details; see "Blockguide: Show logs".', report };
  }
  const first = failed[0];
  const more = failed.length > 1 ? ` (${failed.length - 1} more problem${failed.length > 2 ? 's' : ''} in the report)` : '';
  const fix = first.fix ? String(first.fix) : undefined;
  const message = `Blockguide doctor: ${first.name} failed${first.detail ? ` — ${first.detail}` : ''}.${fix ? ` Fix: ${fix}` : ''}${more}`;
  return { ok: false, message, fix, command: fixCommand(fix), setting: fixSetting(fix), report };
}

/** The message for a command that found no block at the cursor. */
export const NO_BLOCK_MESSAGE = 'Blockguide: nothing to document here. Select the code to document, or put the cursor inside a function or class.';
