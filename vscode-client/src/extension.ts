/**
 * Blockguide for VS Code: commands, menus' context key, status bar and guide previews around the
 * blockguide language server. Activation only registers things; the server starts in the
 * background (see ServerManager).
 */
import * as vscode from 'vscode';
import {
  CodeAction as LspCodeAction,
  CodeActionRequest,
  CodeActionTriggerKind,
  Command as LspCommand,
  ExecuteCommandRequest,
  LanguageClient,
  LSPErrorCodes,
  ResponseError,
  WorkDoneProgressCancelNotification,
} from 'vscode-languageclient/node';
import { isSupportedLanguage, KIND_DOCUMENT, KIND_PREVIEW, SERVER_COMMANDS } from './lib/languages';
import { NO_BLOCK_MESSAGE, statusView, summarizeDoctor } from './lib/messages';
import { classifyChange } from './lib/settings';
import { ACTION_CHOOSE_MODEL, ACTION_INSTALL_MODEL } from './lib/models';
import { ModelAssistant } from './models';
import { followProgress } from './progress';
import { ServerManager } from './server';

const CONTEXT_INSIDE_DEFINITION = 'blockguide.insideDefinition';
const PREVIEW_SCHEME = 'blockguide-preview';

let manager: ServerManager | undefined;

/** `{uri, range, version}`: the argument of the server's documentBlock/previewGuide commands. */
interface BlockArgs {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  version: number;
}

function isBlockArgs(v: unknown): v is BlockArgs {
  const o = v as Partial<BlockArgs> | undefined;
  return !!o && typeof o === 'object' && typeof o.uri === 'string' && !!o.range && typeof o.range === 'object';
}

function isCancellation(e: unknown): boolean {
  return (
    e instanceof vscode.CancellationError ||
    (e instanceof ResponseError && (e.code === LSPErrorCodes.RequestCancelled || e.code === LSPErrorCodes.ServerCancelled))
  );
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Blockguide');
  const log = (line: string) => output.appendLine(`[client ${new Date().toISOString().slice(11, 23)}] ${line}`);
  const mgr = new ServerManager(output, log, context.extensionPath);
  manager = mgr;
  context.subscriptions.push(output, mgr);

  // ---- status bar -----------------------------------------------------------------------------
  const status = vscode.window.createStatusBarItem('blockguide.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Blockguide';
  status.command = 'blockguide.chooseModel';
  const showStatus = (s: Parameters<typeof statusView>[0]) => {
    const view = statusView(s);
    status.text = view.text;
    status.tooltip = view.tooltip;
    status.backgroundColor =
      view.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    status.show();
  };
  showStatus('starting');
  context.subscriptions.push(status, mgr.onStatus(showStatus));

  // ---- the model: first-run install, the quick pick -----------------------------------------------
  const models = new ModelAssistant(mgr, log);
  context.subscriptions.push(models);

  // ---- previews: read-only virtual Markdown documents -------------------------------------------
  const previews = new Map<string, string>();
  const previewChanged = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    previewChanged,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, {
      onDidChange: previewChanged.event,
      provideTextDocumentContent: (uri) => previews.get(uri.path) ?? '',
    }),
  );

  // ---- talking to the server ----------------------------------------------------------------------

  /** The server's code actions of `kind` at `range` (the same request the lightbulb sends). */
  async function listActions(
    client: LanguageClient,
    document: vscode.TextDocument,
    range: vscode.Range,
    kind: string,
    token?: vscode.CancellationToken,
  ): Promise<LspCodeAction[]> {
    const result = await client.sendRequest(
      CodeActionRequest.type,
      {
        textDocument: client.code2ProtocolConverter.asTextDocumentIdentifier(document),
        range: client.code2ProtocolConverter.asRange(range),
        context: { diagnostics: [], only: [kind], triggerKind: CodeActionTriggerKind.Invoked },
      },
      token,
    );
    return (result ?? []).filter((a): a is LspCodeAction => !LspCommand.is(a) && a.kind === kind && !a.disabled);
  }

  /**
   * Runs a server command with a cancellable progress notification. Cancel cancels the request
   * (`$/cancelRequest`) and any progress the server created for it (`window/workDoneProgress/cancel`);
   * the server's progress messages (ours via `workDoneToken`, or its own) show in this notification.
   * Undefined when cancelled.
   */
  async function runServerCommand<T>(
    client: LanguageClient,
    command: string,
    args: unknown[],
    title: string,
    location: vscode.ProgressLocation = vscode.ProgressLocation.Notification,
  ): Promise<T | undefined> {
    return vscode.window.withProgress(
      { location, title: `Blockguide: ${title}`, cancellable: location === vscode.ProgressLocation.Notification },
      async (progress, token) => {
        const workDoneToken = `blockguide-${Date.now()}-${Math.random().toString(36).slice(2)}`;
        // Progress tokens of this command's work: server-created ones it adopted, and ours once begun.
        const tokens: (string | number)[] = [];
        const disposables: vscode.Disposable[] = [
          followProgress(client, workDoneToken, progress, undefined, () => tokens.push(workDoneToken)),
          mgr.progressRouter.register({ report: progress, adopt: (t) => tokens.push(t) }),
        ];
        const cancelled = new Promise<undefined>((resolve) => {
          disposables.push(
            token.onCancellationRequested(() => {
              // `$/cancelRequest` goes out with the request's token. pygls 2 does not cancel a
              // command's coroutine on it (it runs apart from the request's future), but it does
              // on `window/workDoneProgress/cancel` of the command's progress: send that too.
              for (const t of tokens) void client.sendNotification(WorkDoneProgressCancelNotification.type, { token: t }).catch(() => undefined);
              resolve(undefined);
            }),
          );
        });
        try {
          const request = client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args, workDoneToken }, token);
          request.catch(() => undefined); // it still settles after a cancel, unobserved
          return (await Promise.race([request, cancelled])) as T | undefined;
        } catch (e) {
          if (token.isCancellationRequested || isCancellation(e)) return undefined;
          throw e;
        } finally {
          disposables.forEach((d) => d.dispose());
        }
      },
    );
  }

  /** The server's arguments for the block at the editor's selection, via its code action listing. */
  async function blockAt(client: LanguageClient, editor: vscode.TextEditor, kind: string): Promise<{ args?: BlockArgs; action?: LspCodeAction }> {
    const actions = await listActions(client, editor.document, editor.selection, kind);
    const action = actions[0];
    if (!action) return {};
    const data = action.data as Partial<BlockArgs> | undefined;
    const args = isBlockArgs(data) ? { uri: data.uri, range: data.range, version: data.version as number } : undefined;
    return { args, action };
  }

  function activeSupportedEditor(): vscode.TextEditor | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Blockguide: open a source file and select the code to document.');
      return undefined;
    }
    if (!isSupportedLanguage(editor.document.languageId)) {
      void vscode.window.showInformationMessage(`Blockguide does not document ${editor.document.languageId} files.`);
      return undefined;
    }
    return editor;
  }

  async function documentWith(client: LanguageClient, args: BlockArgs): Promise<void> {
    const result = await runServerCommand<{ applied?: boolean; markdown?: string; error?: string }>(
      client,
      SERVER_COMMANDS.documentBlock,
      [args],
      'Documenting block',
    );
    if (result === undefined) {
      vscode.window.setStatusBarMessage('Blockguide: cancelled, nothing was changed.', 4000);
      return;
    }
    // A refused edit or an error has been reported by the server (window/showMessage) already.
    if (result && result.applied === false && !result.error && insertionStyle(args) === 'none') {
      void vscode.window.showInformationMessage('Blockguide: the guide is written (blockguide.insertionStyle is "none"): hover the block to read it.');
    }
  }

  function insertionStyle(args: BlockArgs): string | undefined {
    return vscode.workspace.getConfiguration('blockguide', vscode.Uri.parse(args.uri)).get<string>('insertionStyle');
  }

  // ---- commands -----------------------------------------------------------------------------------

  async function documentBlock(arg?: unknown): Promise<void> {
    try {
      // A code action's command (clients without resolve support) arrives here with the server's arguments.
      if (isBlockArgs(arg)) {
        const client = await mgr.ready();
        if (client) await documentWith(client, arg);
        return;
      }
      const editor = activeSupportedEditor();
      if (!editor) return;
      const client = await mgr.ready();
      if (!client) return;
      const { args, action } = await blockAt(client, editor, KIND_DOCUMENT);
      if (!action) {
        void vscode.window.showInformationMessage(NO_BLOCK_MESSAGE);
        return;
      }
      if (action.edit) {
        await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(action.edit));
      } else if (action.command && isBlockArgs(action.command.arguments?.[0])) {
        await documentWith(client, action.command.arguments![0] as BlockArgs);
      } else if (args) {
        await documentWith(client, args);
      } else if (action.command) {
        await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
      } else {
        void vscode.window.showErrorMessage('Blockguide: the server offered "Document this block" without data, edit or command.');
      }
    } catch (e) {
      if (!isCancellation(e)) void vscode.window.showErrorMessage(`Blockguide: ${errorText(e)}`);
    }
  }

  async function previewGuide(arg?: unknown): Promise<void> {
    try {
      let client: LanguageClient | undefined;
      let args: BlockArgs | undefined;
      if (isBlockArgs(arg)) {
        client = await mgr.ready();
        args = arg;
      } else {
        const editor = activeSupportedEditor();
        if (!editor) return;
        client = await mgr.ready();
        if (!client) return;
        const found = await blockAt(client, editor, KIND_PREVIEW);
        args = found.args ?? (found.action?.command?.arguments?.[0] as BlockArgs | undefined);
        if (!found.action) {
          // A server that lists no separate preview action: preview the block "Document this block" would write.
          args = (await blockAt(client, editor, KIND_DOCUMENT)).args;
        }
      }
      if (!client) return;
      if (!args) {
        void vscode.window.showInformationMessage(NO_BLOCK_MESSAGE);
        return;
      }
      const result = await runServerCommand<{ markdown?: string; title?: string }>(client, SERVER_COMMANDS.previewGuide, [args], 'Writing guide preview');
      if (!result || typeof result.markdown !== 'string' || result.markdown === '') {
        // undefined: cancelled; an empty guide: the server has shown the error.
        if (result === undefined) vscode.window.setStatusBarMessage('Blockguide: preview cancelled.', 4000);
        return;
      }
      const name = (result.title || 'Guide').replace(/[\\/:*?"<>|#%`\r\n]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) || 'Guide';
      const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name}.md` });
      previews.set(uri.path, result.markdown);
      previewChanged.fire(uri);
      try {
        await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
      } catch {
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
      }
    } catch (e) {
      if (!isCancellation(e)) void vscode.window.showErrorMessage(`Blockguide: ${errorText(e)}`);
    }
  }

  async function doctor(): Promise<void> {
    try {
      const client = await mgr.ready();
      if (!client) return; // ready() has shown why the server is not running
      // A few seconds at most (the server's connect timeout): a status-bar spinner, not a notification.
      const result = await runServerCommand<unknown>(client, SERVER_COMMANDS.doctor, [], 'checking the setup', vscode.ProgressLocation.Window);
      if (result === undefined) return;
      const summary = summarizeDoctor(result);
      output.appendLine(`---- Blockguide doctor ${new Date().toISOString()} ----`);
      summary.report.forEach((line) => output.appendLine(line));
      if (summary.ok) {
        void vscode.window.showInformationMessage(summary.message, 'Show report').then((a) => a && output.show(true));
        return;
      }
      const actions: string[] = [];
      const modelFailed = summary.report.some((line) => line.startsWith('✗ model:'));
      if (modelFailed) actions.push(ACTION_INSTALL_MODEL, ACTION_CHOOSE_MODEL);
      if (summary.command) actions.push('Run fix in terminal');
      if (summary.setting) actions.push('Open setting');
      else if (summary.fix) actions.push('Copy fix');
      actions.push('Show report');
      const choice = await vscode.window.showWarningMessage(summary.message, ...actions);
      if (choice === ACTION_INSTALL_MODEL) {
        await models.install();
      } else if (choice === ACTION_CHOOSE_MODEL) {
        await models.choose();
      } else if (choice === 'Run fix in terminal' && summary.command) {
        const terminal = vscode.window.createTerminal({ name: 'Blockguide: fix' });
        terminal.show();
        terminal.sendText(summary.command);
      } else if (choice === 'Copy fix' && summary.fix) {
        await vscode.env.clipboard.writeText(summary.command ?? summary.fix);
      } else if (choice === 'Open setting') {
        await vscode.commands.executeCommand('workbench.action.openSettings', summary.setting ?? 'blockguide');
      } else if (choice === 'Show report') {
        output.show(true);
      }
    } catch (e) {
      if (!isCancellation(e)) void vscode.window.showErrorMessage(`Blockguide doctor: ${errorText(e)}`);
    }
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('blockguide.documentBlock', documentBlock),
    vscode.commands.registerCommand('blockguide.previewGuide', previewGuide),
    vscode.commands.registerCommand('blockguide.doctor', doctor),
    vscode.commands.registerCommand('blockguide.chooseModel', () => models.choose()),
    vscode.commands.registerCommand('blockguide.restartServer', () => mgr.restart()),
    vscode.commands.registerCommand('blockguide.showLogs', () => output.show(true)),
  );

  // ---- settings -------------------------------------------------------------------------------------
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      const change = classifyChange((section) => e.affectsConfiguration(section));
      if (change === 'restart') {
        log('blockguide.python or blockguide.serverSource changed: restarting the server');
        void mgr.restart();
      } else if (change === 'notify') {
        mgr.notifySettingsChanged();
      }
    }),
  );

  // ---- context key for the editor menu: is an empty selection inside a definition? ------------------
  context.subscriptions.push(new DefinitionContext(mgr));

  // The server starts in the background; activation returns at once.
  void mgr.start();
}

/**
 * Keeps `blockguide.insideDefinition` up to date for the `editor/context` menu entry: with an
 * empty selection, the server's code action listing (cheap: no analysis, no model) says whether
 * the cursor is inside a function or class. Debounced, asked once per (document version, line),
 * and the previous question is cancelled.
 */
class DefinitionContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: vscode.CancellationTokenSource | undefined;
  private value: boolean | undefined;
  private lastKey = '';

  constructor(private readonly mgr: ServerManager) {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.schedule(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.schedule(e)),
      mgr.onClient(() => {
        this.lastKey = '';
        this.schedule(vscode.window.activeTextEditor);
      }),
    );
    this.set(false);
  }

  private schedule(editor: vscode.TextEditor | undefined): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(editor), 150);
  }

  private async update(editor: vscode.TextEditor | undefined): Promise<void> {
    if (!editor || !isSupportedLanguage(editor.document.languageId) || !editor.selection.isEmpty) {
      if (!editor || !isSupportedLanguage(editor.document.languageId)) this.set(false);
      return;
    }
    const client = this.mgr.running;
    if (!client) {
      this.set(false);
      return;
    }
    const pos = editor.selection.active;
    const key = `${editor.document.uri.toString()}@${editor.document.version}:${pos.line}`;
    if (key === this.lastKey) return;
    this.pending?.cancel();
    const cts = (this.pending = new vscode.CancellationTokenSource());
    try {
      const result = await client.sendRequest(
        CodeActionRequest.type,
        {
          textDocument: client.code2ProtocolConverter.asTextDocumentIdentifier(editor.document),
          range: client.code2ProtocolConverter.asRange(new vscode.Range(pos, pos)),
          context: { diagnostics: [], only: [KIND_DOCUMENT], triggerKind: CodeActionTriggerKind.Automatic },
        },
        cts.token,
      );
      if (cts.token.isCancellationRequested) return;
      this.lastKey = key;
      this.set((result ?? []).some((a) => !LspCommand.is(a) && a.kind === KIND_DOCUMENT && !a.disabled));
    } catch {
      if (!cts.token.isCancellationRequested) this.set(false);
    }
  }

  private set(value: boolean): void {
    if (value === this.value) return;
    this.value = value;
    void vscode.commands.executeCommand('setContext', CONTEXT_INSIDE_DEFINITION, value);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.pending?.cancel();
    this.disposables.forEach((d) => d.dispose());
  }
}

export async function deactivate(): Promise<void> {
  await manager?.shutdown();
  manager = undefined;
}
