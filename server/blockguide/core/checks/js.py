"""The checks of a JavaScript or TypeScript usage example: it parses, imports the block from its real
path, and its other imports are project files, declared dependencies or Node.js built-ins."""

from __future__ import annotations

import json
import re
from pathlib import Path

from blockguide.core.checks.other import tree_errors
from blockguide.core.types import Grounding


# --- JavaScript / TypeScript ------------------------------------------------------------------------------
NODE_BUILTINS = {
    "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants", "crypto", "dgram",
    "diagnostics_channel", "dns", "domain", "events", "fs", "fs/promises", "http", "http2", "https", "inspector",
    "module", "net", "os", "path", "path/posix", "path/win32", "perf_hooks", "process", "punycode", "querystring",
    "readline", "readline/promises", "repl", "stream", "stream/promises", "stream/web", "string_decoder", "sys",
    "timers", "timers/promises", "tls", "trace_events", "tty", "url", "util", "util/types", "v8", "vm", "wasi",
    "worker_threads", "zlib", "test", "sqlite",
}


_JS_SPEC = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])([^"']+)\1""")


def js_imports_block(code: str, g: Grounding) -> bool:
    m = re.search(r"""from\s+(["'])([^"']+)\1""", g.import_line or "")
    want = m.group(2) if m else None
    name = g.import_line.split("{")[-1].split("}")[0].strip() if g.import_line and "{" in g.import_line else \
        (g.import_line.split()[1] if g.import_line else g.block.name)
    for spec_match in _JS_SPEC.finditer(code):
        spec = spec_match.group(2)
        line = code[code.rfind("\n", 0, spec_match.start()) + 1: code.find("\n", spec_match.end()) % (len(code) + 1)
                    if code.find("\n", spec_match.end()) >= 0 else len(code)]
        if want and _same_spec(spec, want) and re.search(rf"\b{re.escape(name)}\b", line):
            return True
    return False


def _same_spec(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        s = s.removeprefix("./")
        return re.sub(r"\.(m|c)?(j|t)sx?$", "", s).removesuffix("/index")
    return norm(a) == norm(b)


def check_js(code: str, g: Grounding) -> list[str]:
    problems: list[str] = []
    grammar = g.block.language
    error = tree_errors(grammar, code, (("async function main() {\n", "\n}"),))
    if error:
        return [f"the example does not parse as {grammar}: {error}"]
    if g.import_line and not js_imports_block(code, g):
        problems.append(f"the example must import the block with exactly `{g.import_line}`")
    root = Path(g.root) if g.root else None
    for spec in dict.fromkeys(m.group(2) for m in _JS_SPEC.finditer(code)):
        if g.import_line and spec in g.import_line:
            continue
        if not _js_spec_resolves(spec, root):
            problems.append(f"the example imports `{spec}`, which is not a project file, a declared dependency or "
                            f"a Node.js built-in module")
    used = g.example_via or g.block.name  # a function defined inside another is used through it
    if used == "constructor" and g.owner:  # a constructor runs when its class is made
        used = g.owner
    if used and not re.search(rf"\b{re.escape(used)}\b", _strip_js_imports(code)):
        problems.append(f"the example never uses `{used}`")
    return problems


def _strip_js_imports(code: str) -> str:
    return "\n".join(l for l in code.split("\n") if not re.match(r"\s*import\b", l))


def _js_spec_resolves(spec: str, root: Path | None) -> bool:
    if spec.startswith("node:") or spec in NODE_BUILTINS:
        return True
    if root is None:
        return True
    if spec.startswith((".", "/")):
        base = (root / spec).resolve() if not spec.startswith("/") else Path(spec)
        stem = re.sub(r"\.(m|c)?(j|t)sx?$", "", str(base))
        candidates = [base] + [Path(stem + ext) for ext in (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts",
                                                              ".cts", ".d.ts")] + \
            [base / f"index{ext}" for ext in (".js", ".ts", ".mjs", ".tsx")]
        return any(c.is_file() for c in candidates)
    package = "/".join(spec.split("/")[:2]) if spec.startswith("@") else spec.split("/")[0]
    if (root / "node_modules" / package).exists():
        return True
    pkg_json = root / "package.json"
    try:
        data = json.loads(pkg_json.read_text("utf-8")) if pkg_json.is_file() else {}
    except (OSError, ValueError):
        data = {}
    if data.get("name") == package:
        return True
    for section in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        if package in (data.get(section) or {}):
            return True
    return False
