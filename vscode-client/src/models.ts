/**
 * The model assistant: a first run that works. When the server reports its model and host, the models Ollama
 * has are listed (`python -m blockguide model list --json`, with the server's own Python); a missing model
 * gets a notification offering the bundled model's install (`blockguide model install --json`, with progress
 * and cancel) and a quick pick of the models there; an Ollama that does not answer gets one message saying
 * how to start it. `Blockguide: Choose model` (also the status-bar item) writes `blockguide.model`.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import * as vscode from 'vscode';
import {
  ACTION_CHOOSE_MODEL,
  ACTION_HOST_SETTING,
  ACTION_INSTALL_MODEL,
  ACTION_RETRY,
  BUNDLED_MODEL,
  classifyList,
  hasModel,
  installArgs,
  installedMessage,
  InstallEvent,
  InstallProgress,
  lastError,
  listArgs,
  ListOutcome,
  missingModelActions,
  missingModelMessage,
  parseInstallLine,
  pickItems,
  progressText,
  sameModel,
  unreachableMessage,
} from './lib/models';
import { ClientState, ServerStatus } from './lib/messages';
import { ServerManager } from './server';

/** How long the model and host must stay the same before Ollama is asked (settings typed key by key). */
const SETTLE_MS = 1500;

export class ModelAssistant implements vscode.Disposable {
  private host: string | undefined;
  private model: string | undefined;
  private checked = '';
  private timer: NodeJS.Timeout | undefined;
  private offering = false;
  private installing: Promise<boolean> | undefined;
  private readonly warnedHosts = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly mgr: ServerManager,
    private readonly log: (line: string) => void,
  ) {
    this.disposables.push(mgr.onStatus((s) => this.onStatus(s)));
  }

  private onStatus(s: ServerStatus | ClientState): void {
    if (typeof s === 'string') {
      if (s === 'starting') this.checked = ''; // a new server: check again once it is ready
      return;
    }
    if (s.host) this.host = s.host;
    if (s.model) this.model = s.model;
    if (s.state === 'ready') {
      const key = `${s.host}|${s.model}`;
      if (key === this.checked) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        if (`${this.host}|${this.model}` !== key || key === this.checked) return;
        this.checked = key;
        void this.check(s.host, s.model ?? BUNDLED_MODEL);
      }, SETTLE_MS);
    } else if (s.state === 'modelMissing' && s.model) {
      void this.offerInstall(s.model, s.host);
    } else if (s.state === 'unreachable') {
      void this.warnUnreachable(s.host);
    }
  }

  /** Does Ollama have the model? Says so only when it does not, or when Ollama does not answer. */
  private async check(host: string | undefined, model: string): Promise<void> {
    if (model === 'none' || this.offering || this.installing) return;
    const outcome = await this.list(host, model);
    if (outcome === undefined) return;
    if (outcome.kind === 'ok' && !hasModel(outcome.models, model)) {
      const offered = this.offerInstall(model, host, outcome); // marks the offer as shown before the status below
      this.mgr.reportStatus({ state: 'modelMissing', model, host, detail: `Ollama has no model "${model}"` });
      await offered;
    } else if (outcome.kind === 'unreachable') {
      const warned = this.warnUnreachable(host);
      this.mgr.reportStatus({ state: 'unreachable', model, host, detail: outcome.message });
      await warned;
    } else if (outcome.kind === 'failed') {
      this.log(`model check: ${outcome.message}`);
    }
  }

  /** `blockguide model list --json` with the server's Python; undefined when no server runs. */
  private async list(host: string | undefined, model: string | undefined): Promise<ListOutcome | undefined> {
    const launch = this.mgr.launch;
    if (!launch) return undefined;
    const python = launch.command;
    return new Promise((resolve) => {
      execFile(
        python,
        listArgs(host, model),
        { cwd: this.mgr.cwd, env: launch.env, timeout: 30000, windowsHide: true, maxBuffer: 4 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const e = error as (NodeJS.ErrnoException & { code?: unknown; killed?: boolean }) | null;
          if (e && typeof e.code === 'string') {
            resolve({ kind: 'failed', message: `cannot run ${python}: ${e.code}` });
          } else if (e?.killed) {
            resolve({ kind: 'failed', message: 'blockguide model list did not finish within 30 s' });
          } else {
            resolve(classifyList(e ? (typeof e.code === 'number' ? e.code : 1) : 0, String(stdout), String(stderr)));
          }
        },
      );
    });
  }

  private async offerInstall(model: string, host: string | undefined, listed?: ListOutcome): Promise<void> {
    if (this.offering || this.installing || model === 'none') return;
    this.offering = true;
    try {
      const outcome = listed ?? (await this.list(host, model));
      if (outcome?.kind === 'ok' && hasModel(outcome.models, model)) return; // there after all
      if (outcome?.kind === 'unreachable') {
        await this.warnUnreachable(host);
        return;
      }
      const others = outcome?.kind === 'ok' ? outcome.models.length : 0;
      const choice = await vscode.window.showWarningMessage(missingModelMessage(model, host, others), ...missingModelActions(others));
      if (choice === ACTION_INSTALL_MODEL) await this.install(host);
      else if (choice === ACTION_CHOOSE_MODEL) await this.choose();
    } finally {
      this.offering = false;
    }
  }

  private async warnUnreachable(host: string | undefined, again = false): Promise<void> {
    const key = host ?? '';
    if (!again && this.warnedHosts.has(key)) return;
    this.warnedHosts.add(key);
    const fallback = vscode.workspace.getConfiguration('blockguide').get<boolean>('offlineFallback') !== false;
    const choice = await vscode.window.showWarningMessage(unreachableMessage(host, fallback), ACTION_RETRY, ACTION_HOST_SETTING);
    if (choice === ACTION_RETRY) {
      const outcome = await this.list(host, this.model);
      if (outcome?.kind === 'unreachable') await this.warnUnreachable(host, true);
      else if (outcome?.kind === 'ok' && this.model && !hasModel(outcome.models, this.model)) await this.offerInstall(this.model, host, outcome);
      else if (outcome?.kind === 'ok') void vscode.window.showInformationMessage(`Blockguide: Ollama answers${host ? ` at ${host}` : ''}.`);
    } else if (choice === ACTION_HOST_SETTING) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'blockguide.ollamaHost');
    }
  }

  /** Runs `blockguide model install`; true when the bundled model is there afterwards. One at a time. */
  install(host: string | undefined = this.host): Promise<boolean> {
    if (!this.installing) {
      this.installing = this.runInstall(host).finally(() => (this.installing = undefined));
    }
    return this.installing;
  }

  private async runInstall(host: string | undefined): Promise<boolean> {
    const launch = this.mgr.launch ?? (await this.mgr.ready().then(() => this.mgr.launch));
    if (!launch) return false;
    const python = launch.command;
    const args = installArgs(host);
    this.log(`installing the bundled model: ${python} ${args.join(' ')}`);
    type Done = { code: number | null; result?: InstallEvent; error?: string; cancelled: boolean };
    const done = await vscode.window.withProgress<Done>(
      { location: vscode.ProgressLocation.Notification, title: 'Blockguide: installing the bundled model', cancellable: true },
      (progress, token) =>
        new Promise<Done>((resolve) => {
          let child: ChildProcess;
          try {
            child = spawn(python, args, { cwd: this.mgr.cwd, env: launch.env, windowsHide: true });
          } catch (e) {
            resolve({ code: null, error: String(e), cancelled: false });
            return;
          }
          const bar = new InstallProgress();
          let result: InstallEvent | undefined;
          let error: string | undefined;
          let cancelled = false;
          let buffered = '';
          let stderr = '';
          progress.report({ message: 'starting' });
          child.stdout?.on('data', (chunk: Buffer) => {
            buffered += chunk.toString('utf8');
            let nl: number;
            while ((nl = buffered.indexOf('\n')) >= 0) {
              const ev = parseInstallLine(buffered.slice(0, nl));
              buffered = buffered.slice(nl + 1);
              if (ev?.kind === 'progress') progress.report({ message: progressText(ev), increment: bar.next(ev) });
              else if (ev?.kind === 'result') result = ev;
              else if (ev?.kind === 'error') error = ev.message;
            }
          });
          child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
          const cancel = token.onCancellationRequested(() => {
            cancelled = true;
            child.kill('SIGTERM'); // the command removes its temporary files and any half-created model
          });
          child.on('error', (e) => (error = error ?? String(e)));
          child.on('close', (code) => {
            cancel.dispose();
            resolve({ code, result, error: error ?? (code === 0 ? undefined : lastError(stderr) || `exit code ${code}`), cancelled });
          });
        }),
    );
    if (done.cancelled) {
      this.log('model install cancelled');
      vscode.window.setStatusBarMessage('Blockguide: install cancelled; nothing was installed.', 6000);
      return false;
    }
    if (done.code !== 0 || done.result?.kind !== 'result') {
      this.log(`model install failed: ${done.error}`);
      void vscode.window.showErrorMessage(`Blockguide: the bundled model could not be installed: ${done.error ?? 'unknown error'}`, ACTION_RETRY).then((a) => {
        if (a === ACTION_RETRY) void this.install(host);
      });
      return false;
    }
    this.log(`model install: ${done.result.result} ${done.result.model} at ${done.result.host}`);
    const current = vscode.workspace.getConfiguration('blockguide').get<string>('model') ?? BUNDLED_MODEL;
    if (!sameModel(current, BUNDLED_MODEL)) await this.writeModel(BUNDLED_MODEL);
    else this.mgr.notifySettingsChanged(); // the server reports "ready" again
    void vscode.window.showInformationMessage(installedMessage(BUNDLED_MODEL, done.result.host || host, done.result.result));
    return true;
  }

  /** `Blockguide: Choose model`: a quick pick of the models Ollama has; the choice goes to `blockguide.model`. */
  async choose(): Promise<void> {
    const client = await this.mgr.ready();
    if (!client) return;
    const inUse = this.model ?? vscode.workspace.getConfiguration('blockguide').get<string>('model') ?? BUNDLED_MODEL;
    const host = this.host;
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Blockguide: listing the models' },
      () => this.list(host, inUse),
    );
    if (!outcome) return;
    if (outcome.kind === 'unreachable') {
      await this.warnUnreachable(host, true);
      return;
    }
    if (outcome.kind === 'failed') {
      void vscode.window.showErrorMessage(`Blockguide: cannot list the models: ${outcome.message}`);
      return;
    }
    const picked = await vscode.window.showQuickPick(pickItems(outcome.models, inUse), {
      title: 'Blockguide: choose the model',
      placeHolder: `Models in Ollama at ${outcome.host ?? host ?? 'the default host'} (in use: ${inUse})`,
      matchOnDescription: true,
    });
    if (!picked) return;
    if (picked.install) {
      await this.install(host);
    } else if (picked.model && picked.model !== inUse) {
      await this.writeModel(picked.model);
    }
  }

  /** Writes `blockguide.model` where it is set now (folder, workspace), else in the user settings. */
  private async writeModel(model: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const config = vscode.workspace.getConfiguration('blockguide', folder?.uri);
    const where = config.inspect<string>('model');
    const target =
      where?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : where?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update('model', model, target);
    this.log(`blockguide.model = ${model} (${vscode.ConfigurationTarget[target]} settings)`);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }
}
