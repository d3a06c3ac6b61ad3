/**
 * Work-done progress as a *notification* with a Cancel button.
 *
 * vscode-languageclient 9 shows server-created progress in the status bar
 * (ProgressLocation.Window), where it cannot be cancelled. Blockguide's generation takes
 * seconds to minutes, so both kinds of progress become notifications here:
 * - progress the server creates (`window/workDoneProgress/create`, e.g. the lightbulb's
 *   codeAction/resolve): Cancel sends `window/workDoneProgress/cancel`;
 * - progress on a token the client passes (`workDoneToken` of our commands): Cancel cancels
 *   the request itself, i.e. `$/cancelRequest` (see extension.ts).
 * A server that creates its own token while one of our commands waits for progress (it does not
 * use the command's workDoneToken) has that progress shown in the command's notification, so
 * there is one notification per guide, and Cancel also sends `window/workDoneProgress/cancel`.
 */
import * as vscode from 'vscode';
import {
  BaseLanguageClient,
  ClientCapabilities,
  FeatureState,
  ProgressToken,
  StaticFeature,
  WorkDoneProgress,
  WorkDoneProgressBegin,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
  WorkDoneProgressReport,
} from 'vscode-languageclient/node';

type Reporter = vscode.Progress<{ message?: string; increment?: number }>;

/** Feeds `$/progress` for `token` into `report`, with percentages turned into increments. */
export function followProgress(
  client: BaseLanguageClient,
  token: ProgressToken,
  report: Reporter,
  onEnd?: () => void,
  onBegin?: (begin: WorkDoneProgressBegin) => void,
): vscode.Disposable {
  let reported = 0;
  const apply = (v: WorkDoneProgressBegin | WorkDoneProgressReport) => {
    let increment: number | undefined;
    if (typeof v.percentage === 'number') {
      const pct = Math.max(0, Math.min(100, v.percentage));
      increment = Math.max(0, pct - reported);
      reported += increment;
    }
    if (v.message !== undefined || increment !== undefined) {
      report.report({ message: v.message, increment });
    }
  };
  return client.onProgress(WorkDoneProgress.type, token, (value) => {
    switch (value.kind) {
      case 'begin':
        onBegin?.(value);
        apply(value);
        break;
      case 'report':
        apply(value);
        break;
      case 'end':
        onEnd?.();
        break;
    }
  });
}

/** A client command's progress notification, waiting for the server's progress. */
export interface CommandProgress {
  report: Reporter;
  /** The server created `token` for this command's work. */
  adopt(token: ProgressToken): void;
}

/** Hands server-created progress to the client command that is waiting for it (oldest first). */
export class ProgressRouter {
  private readonly waiting: CommandProgress[] = [];

  register(cp: CommandProgress): vscode.Disposable {
    this.waiting.push(cp);
    return new vscode.Disposable(() => this.remove(cp));
  }

  take(): CommandProgress | undefined {
    return this.waiting.shift();
  }

  private remove(cp: CommandProgress): void {
    const i = this.waiting.indexOf(cp);
    if (i >= 0) this.waiting.splice(i, 1);
  }
}

/** Replaces vscode-languageclient's window progress for server-created tokens. */
export class NotificationProgressFeature implements StaticFeature {
  private readonly active = new Set<() => void>();

  constructor(
    private readonly client: BaseLanguageClient,
    private readonly router?: ProgressRouter,
  ) {}

  getState(): FeatureState {
    return { kind: 'static' };
  }

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = capabilities.window ?? {};
    capabilities.window.workDoneProgress = true;
  }

  /** Runs after the built-in ProgressFeature (features initialise in registration order), so this handler wins. */
  initialize(): void {
    this.client.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      this.track(params.token);
    });
  }

  private track(token: ProgressToken): void {
    const owner = this.router?.take();
    if (owner) {
      owner.adopt(token);
      const sub = followProgress(this.client, token, owner.report, () => sub.dispose());
      return;
    }
    let finish: (() => void) | undefined;
    let ended = false;
    let reporter: Reporter | undefined;
    const pending: { message?: string; increment?: number }[] = [];
    const buffer: Reporter = { report: (v) => (reporter ? reporter.report(v) : pending.push(v)) };
    const done = () => {
      ended = true;
      sub.dispose();
      finish?.();
      this.active.delete(done);
    };
    this.active.add(done);
    const sub = followProgress(this.client, token, buffer, done, (begin) => {
      void vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Blockguide: ${begin.title}`,
          cancellable: begin.cancellable === true,
        },
        (progress, cancel) =>
          new Promise<void>((resolve) => {
            if (ended) {
              resolve();
              return;
            }
            finish = resolve;
            reporter = progress;
            pending.splice(0).forEach((v) => progress.report(v));
            cancel.onCancellationRequested(() => {
              void this.client.sendNotification(WorkDoneProgressCancelNotification.type, { token });
              done();
            });
          }),
      );
    });
  }

  clear(): void {
    for (const done of [...this.active]) {
      done();
    }
  }
}
