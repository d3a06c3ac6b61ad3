/** Languages the blockguide server documents (VS Code language ids). Keep in sync with package.json. */
export const SUPPORTED_LANGUAGES: readonly string[] = [
  'python',
  'javascript',
  'typescript',
  'javascriptreact',
  'typescriptreact',
  'go',
  'rust',
  'java',
  'c',
  'cpp',
];

export function isSupportedLanguage(languageId: string): boolean {
  return SUPPORTED_LANGUAGES.includes(languageId);
}

/** Code action kinds from docs/PROTOCOL.md. */
export const KIND_DOCUMENT = 'refactor.rewrite.blockguide';
export const KIND_PREVIEW = 'refactor.rewrite.blockguide.preview';

/** Server commands (workspace/executeCommand) from docs/PROTOCOL.md. */
export const SERVER_COMMANDS = {
  documentBlock: 'blockguide.documentBlock',
  previewGuide: 'blockguide.previewGuide',
  doctor: 'blockguide.doctor',
} as const;

/** The client's own commands (package.json contributes.commands). The server's commands of the same
 * name are called through these, so they are not registered a second time (see server.ts). */
export const CLIENT_COMMANDS: readonly string[] = [
  'blockguide.documentBlock',
  'blockguide.previewGuide',
  'blockguide.restartServer',
  'blockguide.showLogs',
  'blockguide.doctor',
  'blockguide.chooseModel',
];
