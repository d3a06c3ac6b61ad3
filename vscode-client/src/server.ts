/**
 * Starting, stopping and restarting the blockguide language server (`python -m blockguide serve`,
 * stdio). Every start goes through `start()`; a restart is stop + start, from one place.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorHandlerResult,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import * as path from 'path';
import { BUNDLE_DIR, BundleManifest, bundledEnv, bundledProbeArgs, checkPython, INSPECT_ARGS, parseInspect, readManifest, servedRange } from './lib/bundle';
import { chooseInterpreter, Interpreter, SERVER_ARGS } from './lib/interpreter';
import { CLIENT_COMMANDS, SUPPORTED_LANGUAGES } from './lib/languages';
import { ACTION_OPEN_SETTING, startErrorMessage, ServerSource, ServerStatus, StartProblem, ClientState } from './lib/messages';
import { probeServer, runProbe } from './lib/probe';
import { classifyProbe, ProbeResult } from './lib/version';
import { mapConfigurationItem, toServerSettings } from './lib/settings';
import { NotificationProgressFeature, ProgressRouter } from './progress';

const OWN_COMMANDS = new Set(CLIENT_COMMANDS);

/**
 * The language client, with connection-level errors ("couldn't create connection", "server will
 * not be restarted") kept in the log: the ServerManager shows one message of its own instead.
 */
class BlockguideLanguageClient extends LanguageClient {
  public error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
    super.error(message, data, showNotification === 'force' ? false : showNotification);
  }
}

/** An output channel that also keeps the last lines written to it (the server's stderr). */
class CapturingOutputChannel implements vscode.OutputChannel {
  private tail = '';
  constructor(private readonly inner: vscode.OutputChannel) {}
  get name(): string {
    return this.inner.name;
  }
  append(value: string): void {
    this.tail = (this.tail + value).slice(-4000);
    this.inner.append(value);
  }
  appendLine(value: string): void {
    this.append(value + '\n');
  }
  replace(value: string): void {
    this.tail = value.slice(-4000);
    this.inner.replace(value);
  }
  clear(): void {
    this.inner.clear();
  }
  show(preserveFocus?: boolean): void;
  show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  show(a?: boolean | vscode.ViewColumn, b?: boolean): void {
    if (typeof a === 'boolean' || a === undefined) {
      this.inner.show(a);
    } else {
      this.inner.show(a, b);
    }
  }
  hide(): void {
    this.inner.hide();
  }
  dispose(): void {
    /* the extension owns the inner channel */
  }
  lastError(): string {
    const lines = this.tail.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('[Info') && !l.startsWith('[Trace'));
    const interesting = lines.filter((l) => /error|exception|traceback|failed|cannot|no module/i.test(l));
    return (interesting.length ? interesting[interesting.length - 1] : lines[lines.length - 1]) ?? '';
  }
}

type ManagerState = 'stopped' | 'starting' | 'running' | 'failed';

/** How the server's Python is run: the interpreter and the environment (the bundle's PYTHONPATH). */
export interface Launch {
  command: string;
  env: NodeJS.ProcessEnv;
}

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
  resolveEnvironment(env: { id: string; path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

function withTimeout<T>(p: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(undefined), ms);
    Promise.resolve(p).then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      () => {
        clearTimeout(t);
        resolve(undefined);
      },
    );
  });
}

export class ServerManager implements vscode.Disposable {
  private client: BlockguideLanguageClient | undefined;
  private state: ManagerState = 'stopped';
  private interpreter: Interpreter | undefined;
  private launchWith: Launch | undefined;
  private source: ServerSource = 'bundled';
  private manifest: BundleManifest | undefined;
  private problem: StartProblem | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private starting: Promise<void> | undefined;
  private readonly capture: CapturingOutputChannel;
  private readonly crashes: number[] = [];
  private pythonEnvWatch: vscode.Disposable | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusEmitter = new vscode.EventEmitter<ServerStatus | ClientState>();
  /** Server status (`blockguide/status`) and the client's own states, for the status bar. */
  readonly onStatus = this.statusEmitter.event;
  private readonly clientEmitter = new vscode.EventEmitter<LanguageClient | undefined>();
  /** Fires when a client is running, or none is. */
  readonly onClient = this.clientEmitter.event;

  /** Routes server-created progress into the notification of the client command that caused it. */
  readonly progressRouter = new ProgressRouter();

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly log: (line: string) => void,
    /** The extension's folder, which holds the bundled server (bundled/). */
    private readonly extensionPath: string,
  ) {
    this.capture = new CapturingOutputChannel(output);
    this.disposables.push(this.statusEmitter, this.clientEmitter);
  }

  /** The running client, or undefined. */
  get running(): LanguageClient | undefined {
    return this.state === 'running' && this.client?.state === State.Running ? this.client : undefined;
  }

  /** How the server's Python runs, while it runs (for `python -m blockguide model …`). */
  get launch(): Launch | undefined {
    return this.running ? this.launchWith : undefined;
  }

  /** Shows a state the client found out itself (the model check) until the server reports again. */
  reportStatus(status: ServerStatus): void {
    this.statusEmitter.fire(status);
  }

  /** The server's working directory. */
  get cwd(): string | undefined {
    return this.workspaceFolder();
  }

  /** Waits for a start in progress; undefined (after showing why) if the server is not running. */
  async ready(showProblem = true): Promise<LanguageClient | undefined> {
    if (this.state === 'stopped') {
      this.start();
    }
    await this.queue.catch(() => undefined);
    if (this.starting) {
      await this.starting.catch(() => undefined);
    }
    const client = this.running;
    if (!client && showProblem) {
      this.showProblem();
    }
    return client;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  restart(): Promise<void> {
    this.crashes.length = 0;
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  /** Pushes changed settings to the running server (it then pulls them with workspace/configuration). */
  notifySettingsChanged(): void {
    const client = this.running;
    if (!client) return;
    const settings = toServerSettings(vscode.workspace.getConfiguration().get('blockguide'));
    void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { blockguide: settings } }).catch((e) =>
      this.log(`didChangeConfiguration failed: ${e}`),
    );
  }

  /** Shows the one startup message again (status-bar click, a command while not running). */
  showProblem(): void {
    if (this.problem && this.interpreter) {
      void this.presentProblem(this.problem, this.interpreter);
    } else if (this.state !== 'running') {
      void vscode.window.showWarningMessage('Blockguide: the server is not running.', 'Restart server').then((a) => {
        if (a) void this.restart();
      });
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private workspaceFolder(): string | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    const folder = (doc && vscode.workspace.getWorkspaceFolder(doc.uri)) ?? vscode.workspace.workspaceFolders?.[0];
    return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
  }

  /** The Python extension's active interpreter, if that extension is installed (never waits long). */
  private async pythonExtensionInterpreter(): Promise<string | undefined> {
    const ext = vscode.extensions.getExtension('ms-python.python');
    if (!ext) return undefined;
    try {
      const exports = ext.isActive ? ext.exports : await withTimeout(ext.activate(), 20000);
      const envs: PythonEnvironmentsApi | undefined = exports?.environments;
      if (!envs || typeof envs.getActiveEnvironmentPath !== 'function') return undefined;
      if (!this.pythonEnvWatch && envs.onDidChangeActiveEnvironmentPath) {
        this.pythonEnvWatch = envs.onDidChangeActiveEnvironmentPath(() => {
          if (!vscode.workspace.getConfiguration('blockguide').get<string>('python')) {
            this.log('the Python extension changed its active interpreter: restarting the server');
            void this.restart();
          }
        });
        this.disposables.push(this.pythonEnvWatch);
      }
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const active = envs.getActiveEnvironmentPath(folder);
      const resolved = await withTimeout(envs.resolveEnvironment(active), 10000);
      return resolved?.executable?.uri?.fsPath ?? active?.path;
    } catch (e) {
      this.log(`could not ask the Python extension for its interpreter: ${e}`);
      return undefined;
    }
  }

  private async resolveInterpreter(): Promise<Interpreter> {
    const setting = vscode.workspace.getConfiguration('blockguide').get<string>('python') ?? '';
    const fromExtension = setting.trim() ? undefined : await this.pythonExtensionInterpreter();
    return chooseInterpreter({ setting, pythonExtensionPath: fromExtension, workspaceFolder: this.workspaceFolder() });
  }

  private setState(state: ManagerState): void {
    this.state = state;
    if (state === 'starting') this.statusEmitter.fire('starting');
    if (state === 'failed' || state === 'stopped') this.statusEmitter.fire('notRunning');
  }

  private fail(problem: StartProblem, interpreter: Interpreter): void {
    this.problem = problem;
    this.setState('failed');
    this.log(`server not started (${problem.kind}): ${problem.detail}`);
    void this.presentProblem(problem, interpreter);
  }

  private async presentProblem(problem: StartProblem, interpreter: Interpreter): Promise<void> {
    const pythons = this.manifest ? servedRange(this.manifest) : '3';
    const msg = startErrorMessage(problem, interpreter, this.source, pythons);
    const choice = await vscode.window.showErrorMessage(msg.text, ...msg.actions);
    if (choice === ACTION_OPEN_SETTING) {
      await vscode.commands.executeCommand('workbench.action.openSettings', msg.setting);
    }
  }

  /**
   * The bundled server: is this Python one it can run with (version, implementation, platform), and do its
   * compiled packages load? Returns the environment to start it with, or the problem.
   */
  private async checkBundled(command: string, cwd: string | undefined): Promise<{ env: NodeJS.ProcessEnv; probe: ProbeResult } | StartProblem> {
    const manifest = (this.manifest = readManifest(this.extensionPath));
    if (!manifest) {
      return { ok: false, kind: 'noBundle', detail: `no ${path.join(this.extensionPath, BUNDLE_DIR, 'manifest.json')}` };
    }
    const inspected = await runProbe(command, { cwd, args: INSPECT_ARGS });
    const info = parseInspect(inspected.stdout);
    if (!info) {
      const failed = classifyProbe(inspected);
      return failed.ok || failed.kind !== 'noPython' && failed.kind !== 'timeout'
        ? { ok: false, kind: 'pythonVersion', detail: `it does not run as Python 3 (${inspected.stderr.trim().split(/\r?\n/).pop() || `exit code ${inspected.exitCode}`}); the bundled server needs Python ${servedRange(manifest)}` }
        : failed;
    }
    const checked = checkPython(info, manifest, path.join(this.extensionPath, BUNDLE_DIR));
    if (!checked.ok) return checked;
    const env = bundledEnv(process.env, checked.pythonPath);
    this.log(`Python ${info.version} (${info.implementation}, ${info.platform} ${info.machine}); bundled server for ${manifest.target}: ${checked.pythonPath.join(path.delimiter)}`);
    const probe = await probeServer(command, { cwd, env, args: bundledProbeArgs(manifest) });
    if (!probe.ok && (probe.kind === 'notInstalled' || probe.kind === 'brokenInstall')) {
      return { ok: false, kind: 'pythonAbi', detail: `the bundled packages do not load in it (${probe.detail})` };
    }
    return { env, probe };
  }

  private async doStart(): Promise<void> {
    if (this.state === 'running' || this.state === 'starting') return;
    this.setState('starting');
    let resolveStarting!: () => void;
    this.starting = new Promise<void>((r) => (resolveStarting = r));
    try {
      await this.startOnce();
    } finally {
      resolveStarting();
      this.starting = undefined;
    }
  }

  private async startOnce(): Promise<void> {
    this.problem = undefined;
    const interpreter = await this.resolveInterpreter();
    this.interpreter = interpreter;
    const cwd = this.workspaceFolder();
    this.source = vscode.workspace.getConfiguration('blockguide').get<string>('serverSource') === 'environment' ? 'environment' : 'bundled';
    this.log(`Python: ${interpreter.command} (${interpreter.source}); server: ${this.source}`);
    let env: NodeJS.ProcessEnv = process.env;
    let probe: ProbeResult;
    if (this.source === 'bundled') {
      const checked = await this.checkBundled(interpreter.command, cwd);
      if ('ok' in checked) {
        this.fail(checked, interpreter);
        return;
      }
      ({ env, probe } = checked);
    } else {
      probe = await probeServer(interpreter.command, { cwd });
    }
    if (!probe.ok) {
      this.fail(probe, interpreter);
      return;
    }
    this.launchWith = { command: interpreter.command, env: { ...env, PYTHONIOENCODING: 'utf-8' } };
    this.log(`blockguide ${probe.version}: starting ${interpreter.command} ${SERVER_ARGS.join(' ')}`);

    const serverOptions: ServerOptions = {
      command: interpreter.command,
      args: [...SERVER_ARGS],
      options: { cwd, env: { ...env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: SUPPORTED_LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      outputChannel: this.capture,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => toServerSettings(vscode.workspace.getConfiguration().get('blockguide')),
      initializationFailedHandler: (error) => {
        this.log(`initialize failed: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      },
      errorHandler: {
        error: (_error, _message, count): ErrorHandlerResult => ({
          action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
          handled: true,
        }),
        closed: (): CloseHandlerResult => this.onClosed(),
      },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) return result;
            return result.map((value, i) => mapConfigurationItem(params.items[i]?.section, value));
          },
        },
      },
    };
    const client = new BlockguideLanguageClient('blockguide', 'Blockguide', serverOptions, clientOptions);
    client.registerFeature(new NotificationProgressFeature(client, this.progressRouter));
    this.keepOwnCommands(client);
    client.onNotification('blockguide/status', (status: ServerStatus) => this.statusEmitter.fire(status));
    this.client = client;
    try {
      await client.start();
    } catch (e) {
      const detail = this.capture.lastError() || (e instanceof Error ? e.message : String(e));
      this.client = undefined;
      await client.dispose().catch(() => undefined);
      this.fail({ ok: false, kind: 'startFailed', detail }, interpreter);
      return;
    }
    this.setState('running');
    this.clientEmitter.fire(client);
    this.log('server running');
  }

  /**
   * vscode-languageclient registers every command the server lists in executeCommandProvider as
   * a VS Code command; `blockguide.documentBlock` & co. are this extension's own commands (they
   * add progress and cancellation, then call the server), so registering them twice would fail
   * the whole start. Only the server's other commands are registered.
   */
  private keepOwnCommands(client: LanguageClient): void {
    const feature = client.getFeature(ExecuteCommandRequest.method) as unknown as {
      register(data: { id: string; registerOptions: { commands?: string[] } }): void;
    };
    const register = feature.register.bind(feature);
    feature.register = (data) =>
      register({
        ...data,
        registerOptions: { ...data.registerOptions, commands: (data.registerOptions.commands ?? []).filter((c) => !OWN_COMMANDS.has(c)) },
      });
  }

  private onClosed(): CloseHandlerResult {
    if (this.state !== 'running') {
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length && now - this.crashes[0] > 3 * 60 * 1000) this.crashes.shift();
    if (this.crashes.length <= 4) {
      this.log(`the server exited; restarting it (${this.crashes.length} in the last 3 minutes)`);
      this.statusEmitter.fire('starting');
      return { action: CloseAction.Restart, handled: true };
    }
    const client = this.client;
    this.client = undefined;
    this.clientEmitter.fire(undefined);
    if (this.interpreter) {
      this.fail({ ok: false, kind: 'crashed', detail: this.capture.lastError() || 'the server exited' }, this.interpreter);
    }
    void client?.dispose().catch(() => undefined);
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.problem = undefined;
    if (client) {
      this.state = 'stopped';
      this.clientEmitter.fire(undefined);
      try {
        await client.stop(4000);
      } catch (e) {
        this.log(`stopping the server: ${e}`);
      }
      await client.dispose().catch(() => undefined);
    }
    this.setState('stopped');
  }

  dispose(): void {
    void this.doStop();
    this.disposables.forEach((d) => d.dispose());
  }

  /** For deactivate(): stop and wait. */
  async shutdown(): Promise<void> {
    await this.doStop();
  }
}
