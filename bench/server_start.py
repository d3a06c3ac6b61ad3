"""How long the server inside the .vsix takes to start: `python -m blockguide serve` with the bundle on PYTHONPATH,
as the extension starts it, until it answers LSP `initialize`.

    .venv/bin/python bench/server_start.py [--bundle vscode-client/bundled] [--python /usr/bin/python3] [--warm 3]

Cold: a fresh copy of the bundle (no bytecode yet, as right after installing the .vsix). Warm: the same copy
again (bytecode written by the first start, files in the OS cache). The e2e (`make e2e-vscode-bundled`) logs the
same two from VS Code's side: VS Code start -> server ready, and "Restart server" -> server ready.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _message(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _read_message(stream) -> dict:
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise RuntimeError("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def start_once(python: str, paths: list[Path], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths)), "PYTHONNOUSERSITE": "1",
           "PYTHONUNBUFFERED": "1", "OLLAMA_HOST": "http://127.0.0.1:9"}
    started = time.perf_counter()
    proc = subprocess.Popen([python, "-m", "blockguide", "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=cwd, env=env)
    try:
        proc.stdin.write(_message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": os.getpid(), "rootUri": cwd.as_uri(), "capabilities": {},
            "initializationOptions": {"model": "none"}}}))
        proc.stdin.flush()
        while True:
            msg = _read_message(proc.stdout)
            if msg.get("id") == 1:
                elapsed = time.perf_counter() - started
                break
        proc.stdin.write(_message({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        proc.stdin.write(_message({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.flush()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--bundle", type=Path, default=ROOT / "vscode-client" / "bundled")
    ap.add_argument("--python", default=shutil.which("python3") or sys.executable)
    ap.add_argument("--warm", type=int, default=3, help="warm starts after the cold one (median reported)")
    args = ap.parse_args()
    manifest = json.loads((args.bundle / "manifest.json").read_text())
    version = subprocess.run([args.python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="blockguide-start-") as tmp:
        copy = Path(tmp) / "bundled"
        shutil.copytree(args.bundle, copy, ignore=shutil.ignore_patterns("__pycache__"))
        paths = [copy / manifest["common"], copy / manifest["pythons"][version]]
        cold = start_once(args.python, paths, Path(tmp))
        warm = [start_once(args.python, paths, Path(tmp)) for _ in range(args.warm)]
    print(f"{args.python} (Python {version}, {platform.machine()}), bundle {args.bundle}: "
          f"cold {cold:.2f} s, warm {statistics.median(warm):.2f} s (median of {len(warm)}: "
          + ", ".join(f"{w:.2f}" for w in warm) + f"); load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
