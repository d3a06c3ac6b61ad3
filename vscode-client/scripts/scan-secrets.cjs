// vsce's secret scan (secretlint) over the extension's own files: `make vsix` packages with
// --allow-package-all-secrets --allow-package-env-file because vsce would otherwise scan every file of bundled/ (some 7000
// files of pinned PyPI wheels, tens of minutes on 2 cores); the files written here are scanned by this.
'use strict';
const { lintFiles, prettyPrintLintResult } = require('@vscode/vsce/out/secretLint');

const files = process.argv.slice(2);
lintFiles(files, true, true).then((result) => {
  if (!result.ok) {
    console.error(`secrets found in the extension's files:\n${result.results.map(prettyPrintLintResult).join('\n')}`);
    process.exit(1);
  }
  console.error(`no secrets in ${files.length} files (${files.join(', ')})`);
});
