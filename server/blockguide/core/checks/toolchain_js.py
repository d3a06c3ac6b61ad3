"""A JavaScript or TypeScript example through the real toolchain: `tsc --noEmit` where TypeScript is installed
in the project (node_modules/.bin/tsc) or on PATH; else, for JavaScript, `node --check` (its syntax only).

The example is written into a temporary folder with a tsconfig.json that maps the package's name (and the bare
names of its dependencies) to the project, its relative imports made absolute from the project root, where
the example is meant to sit. The user's tree is never written; each run has a time limit and is cached.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from pathlib import Path

from blockguide.core.checks.toolrun import MAX_PROBLEMS, ToolResult, about, cached, digest, run, stamp
from blockguide.core.project import js_package_entry
from blockguide.core.types import Grounding

log = logging.getLogger(__name__)


TSC_SECONDS = 20.0  # tsc reads the project's files the example imports; a timeout is "not checked"
NODE_SECONDS = 4.0
_TS_ERROR = r"\(\d+,\d+\): error TS\d+"
_SPEC = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])(\.{1,2}/[^"']*)\2""")


def find_tsc(root: Path) -> str | None:
    local = root / "node_modules" / ".bin" / "tsc"
    return str(local) if local.is_file() else shutil.which("tsc")


def js_check(code: str, g: Grounding, file: Path) -> ToolResult | None:
    root = Path(g.root).resolve()
    tsc = find_tsc(root)
    if tsc is not None:
        return _tsc_check(tsc, code, g, file.resolve(), root)
    node = shutil.which("node")
    if node is not None and g.block.language == "javascript":
        return _node_check(node, code)
    return None


def absolute_imports(code: str, root: Path) -> str:
    """The example's relative imports (`./src/x.js`), meant from the project root, as absolute paths."""
    return _SPEC.sub(lambda m: f"{m.group(1)}{m.group(2)}{(root / m.group(3)).as_posix()}{m.group(2)}", code)


def tsconfig(root: Path, file: Path, g: Grounding, example: str) -> dict:
    paths: dict[str, list[str]] = {}
    found = js_package_entry(file, root, g.example_via or g.owner or g.block.name)
    if found is not None:
        package, source = found
        paths[package] = [source.as_posix()]
        paths[f"{package}/*"] = [f"{root.as_posix()}/*"]
    paths["*"] = [f"{root.as_posix()}/node_modules/*", f"{root.as_posix()}/node_modules/@types/*"]
    return {
        "compilerOptions": {
            "noEmit": True, "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler",
            "moduleDetection": "force", "allowJs": True, "checkJs": g.block.language == "javascript",
            "strict": False, "skipLibCheck": True, "esModuleInterop": True, "allowSyntheticDefaultImports": True,
            "resolveJsonModule": True, "allowImportingTsExtensions": True, "lib": ["ES2022", "DOM"],
            "baseUrl": root.as_posix(), "paths": paths, "typeRoots": [f"{root.as_posix()}/node_modules/@types"],
        },
        "files": [example],
    }


def _tsc_check(tsc: str, code: str, g: Grounding, file: Path, root: Path) -> ToolResult | None:
    suffix = {"typescript": ".ts", "tsx": ".tsx"}.get(g.block.language, ".js")
    name = f"blockguide_example{suffix}"
    example, offset = absolute_imports(code, root), 0
    if not g.import_line:  # not exported: the example runs at the end of the module that defines the block
        module = absolute_imports(file.read_text("utf-8", "replace"), file.parent).rstrip("\n") + "\n\n"
        example, offset = module + example, module.count("\n")
    config = tsconfig(root, file, g, name)
    deps = [root / "package.json", root / "tsconfig.json", file, *sorted(file.parent.iterdir())]
    key = ("tsc --noEmit", digest(tsc, example, json.dumps(config), *(stamp(p) for p in deps)))
    return cached(key, lambda: _tsc(tsc, example, config, name, offset))


def _after(problems: list[str], offset: int) -> list[str]:
    """The messages about the example's own lines (past `offset`, the module's), its line numbers counted
    from the example's first line."""
    out = []
    for p in problems:
        m = re.search(r"\((\d+),(\d+)\)", p)
        if m and int(m.group(1)) > offset:
            out.append(p[:m.start()] + f"({int(m.group(1)) - offset},{m.group(2)})" + p[m.end():])
    return out


def _tsc(tsc: str, example: str, config: dict, name: str, offset: int) -> ToolResult | None:
    with tempfile.TemporaryDirectory(prefix="blockguide-ts-") as tmp:
        temp = Path(tmp) / name
        temp.write_text(example, "utf-8")
        (Path(tmp) / "tsconfig.json").write_text(json.dumps(config), "utf-8")
        ran = run([tsc, "-p", str(Path(tmp) / "tsconfig.json"), "--pretty", "false"], Path(tmp), TSC_SECONDS)
    if ran is None:
        return None
    rc, output = ran
    if rc == 0:
        return ToolResult("tsc --noEmit", ())
    problems = about(output, temp, "example" + temp.suffix, errors_only=True, error=_TS_ERROR, limit=10_000)
    problems = (_after(problems, offset) if offset else problems)[:MAX_PROBLEMS]
    if not problems:  # the project's own files do not pass with these options: the example itself does
        log.info("tsc found problems outside the example: %s", output.strip()[:300])
        if re.search(_TS_ERROR, output) is None:
            return None  # tsc itself failed (a bad option, no memory): not checked
    return ToolResult("tsc --noEmit", tuple(f"tsc: {p}" for p in problems))


def _node_check(node: str, code: str) -> ToolResult | None:
    module = re.search(r"^\s*(import\s|export\s)|^await\s|\bawait\s", code, re.M) is not None
    suffix = ".mjs" if module else ".cjs"
    key = ("node --check", digest(node, suffix, code))
    return cached(key, lambda: _node(node, code, suffix))


def _node(node: str, code: str, suffix: str) -> ToolResult | None:
    with tempfile.TemporaryDirectory(prefix="blockguide-js-") as tmp:
        temp = Path(tmp) / f"blockguide_example{suffix}"
        temp.write_text(code, "utf-8")
        ran = run([node, "--check", str(temp)], Path(tmp), NODE_SECONDS)
    if ran is None:
        return None
    rc, output = ran
    if rc == 0:
        return ToolResult("node --check", ())
    error = re.search(r"^(\w*Error: .*)$", output, re.M)
    line = re.search(re.escape(temp.name) + r":(\d+)", output)
    if error is None:
        log.info("node --check failed without a syntax error: %s", output.strip()[:300])
        return None
    where = f"example{suffix}:{line.group(1)}: " if line else ""
    return ToolResult("node --check", (f"node --check: {where}{error.group(1)}",))
