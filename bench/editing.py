"""Items 1, 4, 7 and idle memory: what the editor sends while the user moves, selects, hovers and types.

Everything goes over a real stdio pipe to the server (`bench.traced_server`, i.e. the product server plus
server-side timings). Client round trips are what the editor waits for; server times are the part spent
on the server's event loop (pygls + blockguide) for that message.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from bench import lspdrive
from bench.gen import definition_lines, python_file, typescript_file
from bench.report import Section
from bench.stats import ms, p50, p95, summary

SIZES = (1000, 5000, 20000)
LANGS = (("python", ".py", python_file), ("typescript", ".ts", typescript_file))


def _project(tmp: Path) -> Path:
    root = tmp / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'bench'\n")
    return root


def listing_moves(text: str, language: str, n: int, seed: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Cursor moves and selections, as VS Code sends codeAction requests for them.

    Arrow-down runs (empty ranges on consecutive lines), jumps to definitions and random lines (clicks),
    shift+down selections growing from an anchor, and a few large selections (a whole class, 100-300 lines).
    """
    r = random.Random(seed)
    lines = text.split("\n")
    count = len(lines)
    defs = definition_lines(text, language) or [0]

    def col(line: int) -> int:
        s = lines[line]
        return r.randint(0, len(s)) if s else 0

    moves: list[tuple[tuple[int, int], tuple[int, int]]] = []
    while len(moves) < n:
        kind = r.random()
        if kind < 0.35:  # arrow down through a stretch of code
            start = r.randrange(count - 40)
            c = col(start)
            for line in range(start, start + r.randint(5, 20)):
                pos = (line, min(c, len(lines[line])))
                moves.append((pos, pos))
        elif kind < 0.55:  # click on a definition line or anywhere
            line = r.choice(defs) if r.random() < 0.5 else r.randrange(count)
            pos = (line, col(line))
            moves.append((pos, pos))
        elif kind < 0.9:  # shift+down from an anchor
            anchor = r.randrange(count - 40)
            for k in range(1, r.randint(2, 25)):
                moves.append(((anchor, 0), (anchor + k, 0)))
        else:  # a large selection
            start = r.choice(defs)
            end = min(count - 1, start + r.randint(100, 300))
            moves.append(((start, 0), (end, len(lines[end]))))
    return moves[:n]


async def _listing(root: Path, cache: Path, section: Section, quick: bool, memory: dict) -> None:
    n = 60 if quick else 300
    for language, suffix, gen in LANGS:
        for size in SIZES:
            ed = await lspdrive.start(root, cache, {"model": "none"})
            try:
                if "idle" not in memory:
                    pid = await lspdrive.server_pid(ed)
                    await asyncio.sleep(0.2)
                    memory["idle"] = lspdrive.rss_mb(pid)
                path = root / f"listing_{size}{suffix}"
                text = gen(size, seed=size)
                path.write_text(text)
                uri = ed.open(path)
                await asyncio.sleep(0.4)  # the open-time stale-guide scan (a real editor opens, then moves)
                moves = listing_moves(text, language, n + 20, seed=size)
                for start, end in moves[:20]:  # warm-up
                    await ed.actions(uri, start, end)
                await lspdrive.server_timings(ed)
                rtt, bare = [], []
                for start, end in moves[20:]:
                    t0 = time.perf_counter()
                    actions = await ed.actions(uri, start, end)
                    rtt.append((time.perf_counter() - t0) * 1000)
                    bare.append(await lspdrive.ping(ed))
                    assert actions is not None
                server = [t for m, t in await lspdrive.server_timings(ed) if m == "textDocument/codeAction"]
            finally:
                await lspdrive.stop(ed)
            target, ok = "", None
            if size == 5000:
                target, ok = "p95 ≤ 10 ms", p95(rtt) <= 10
            section.add(f"{language} {size // 1000}k lines, round trip", summary(rtt), target, ok)
            section.add(f"{language} {size // 1000}k lines, server time", summary(server))
            if size == 5000:
                section.note(f"{language} 5k: a bare request round trip (same run, interleaved) is "
                             f"p50 {ms(p50(bare))}, p95 {ms(p95(bare))}: the rest is blockguide.")


def _store_guides(root: Path, cache: Path, path: Path, text: str, language: str, count: int) -> list:
    """Put guides for `count` functions/methods into the server's guide store (as a run would have)."""
    from blockguide.jobs import draft as drafting
    from blockguide.cache import GuideCache
    from blockguide.core.syntax import blocks
    from blockguide.core.syntax.markers import guide_above
    from blockguide.core.syntax.source import Source
    from blockguide.core.languages import LANGUAGES
    from blockguide.core.types import Example, Guide, Step
    from blockguide.settings import Settings

    src = Source(LANGUAGES[language], text)
    store = GuideCache(cache / "guides.sqlite3")
    key = drafting.cache_key(Settings(model="none"))
    r = random.Random(7)
    chosen = []
    for line in r.sample(definition_lines(text, language), 4 * count):
        block = blocks.enclosing_definition(src, line + 1, 6)
        if block is None or block.kind not in ("function", "method") or block.span.lines < 4:
            continue
        if guide_above(src, block) is not None:
            continue
        guide = Guide(title=f"How to Use `{block.name}`", description="Checks its inputs and returns them.",
                      steps=(Step("Check", "validates `x`"),), example=Example(language, "x = 1"), model="none")
        store.put(block.hash, key, guide)
        chosen.append(block)
        if len(chosen) == count:
            break
    store.close()
    return chosen


async def _hover(root: Path, cache: Path, section: Section, quick: bool) -> None:
    n = 60 if quick else 200
    size = 5000
    for language, suffix, gen in LANGS:
        path = root / f"hover_{size}{suffix}"
        text = gen(size, seed=size + 1)
        path.write_text(text)
        stored = _store_guides(root, cache, path, text, language, 8)
        lines = text.split("\n")
        guides_at = [i + 1 for i, l in enumerate(lines) if "--- end blockguide ---" in l]  # a line of the block
        ed = await lspdrive.start(root, cache, {"model": "none"})
        try:
            uri = ed.open(path)
            await asyncio.sleep(0.4)
            r = random.Random(3)
            kinds = {"stored": [], "inserted": [], "none": []}
            hits = {"stored": 0, "inserted": 0, "none": 0}
            plan = []
            for _ in range(n + 10):
                block = r.choice(stored)
                plan.append(("stored", r.randrange(block.span.start + 1, block.span.end)))
                g = r.choice(guides_at)
                while g < len(lines) and not lines[g].strip():
                    g += 1
                plan.append(("inserted", g))
                plan.append(("none", r.randrange(len(lines))))
            for i, (kind, line) in enumerate(plan):
                col = min(len(lines[line]), 8)
                t0 = time.perf_counter()
                hover = await ed.hover(uri, line, col)
                if i >= 30:
                    kinds[kind].append((time.perf_counter() - t0) * 1000)
                    hits[kind] += hover is not None
            server = [t for m, t in await lspdrive.server_timings(ed) if m == "textDocument/hover"]
        finally:
            await lspdrive.stop(ed)
        assert hits["stored"] == len(kinds["stored"]), f"stored guides not found on hover: {hits}"
        section.add(f"{language} 5k lines, block with a stored guide", summary(kinds["stored"]), "p95 ≤ 5 ms",
                    p95(kinds["stored"]) <= 5)
        section.add(f"{language} 5k lines, block with an inserted guide", summary(kinds["inserted"]))
        section.add(f"{language} 5k lines, code without a guide", summary(kinds["none"]))
        section.add(f"{language} 5k lines, server time (all hovers)", summary(server))


def typing_script(lines: list[str], language: str, seed: int) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    """Keystrokes as incremental didChange ranges: a new line of code typed in the middle of the file,
    with a few corrections (backspace) and brackets closed as VS Code does (an opening bracket inserts the
    pair, typing the closer moves over it), then a comment at the end of another line."""
    r = random.Random(seed)
    mid = len(lines) // 2
    line = next(i for i in range(mid, len(lines)) if lines[i].strip() and not lines[i].rstrip().endswith((":", "{")))
    indent = lines[line][: len(lines[line]) - len(lines[line].lstrip())]
    code = ("total_count = compute_total(items, limit=LIMIT) + offset" if language == "python"
            else "const totalCount = computeTotal(items, { limit: LIMIT }) + offset;")
    comment = ("  # keep the running total for the report" if language == "python"
               else "  // keep the running total for the report")
    keys: list[tuple[tuple[int, int], tuple[int, int], str]] = []
    col = len(lines[line])
    keys.append(((line, col), (line, col), "\n" + indent))  # Enter with auto-indent
    line, col = line + 1, len(indent)
    pending = ""  # closing brackets the editor inserted ahead of the cursor (VS Code's auto-closing pairs)
    for ch in code:
        if pending and ch == pending[0]:  # typing over an auto-inserted closer: the cursor moves, no change
            pending = pending[1:]
            col += 1
            continue
        pair = {"(": ")", "[": "]", "{": "}"}.get(ch)
        keys.append(((line, col), (line, col), ch + (pair or "")))
        if pair:
            pending = pair + pending
        col += 1
        if r.random() < 0.06:  # a typo, then backspace
            keys.append(((line, col), (line, col), "x"))
            keys.append(((line, col), (line, col + 1), ""))
    other = line + 7
    col = len(lines[other - 1])  # the line moved down by one after Enter
    for ch in comment:
        keys.append(((other, col), (other, col), ch))
        col += 1
    return keys


async def _typing(root: Path, cache: Path, section: Section, quick: bool) -> None:
    size = 20000
    for language, suffix, gen in LANGS:
        path = root / f"typing_{size}{suffix}"
        text = gen(size, seed=size + 2)
        path.write_text(text)
        ed = await lspdrive.start(root, cache, {"model": "none"})
        try:
            uri = ed.open(path)
            await asyncio.sleep(0.6)
            keys = typing_script(text.split("\n"), language, seed=5)
            if quick:
                keys = keys[:40]
            await lspdrive.server_timings(ed)
            after_key = []
            for i, (start, end, new) in enumerate(keys):
                ed.change(uri, start, end, new)
                # VS Code asks for code actions at the new cursor after each keystroke
                t0 = time.perf_counter()
                await ed.actions(uri, (end[0], start[1] + len(new)), (end[0], start[1] + len(new)))
                after_key.append((time.perf_counter() - t0) * 1000)
                # a fast typist: ~12 keys/s, and a pause after a word now and then (the debounced scan runs)
                await asyncio.sleep(0.45 if new == " " and i % 3 == 0 else 0.08)
            await asyncio.sleep(0.5)
            timings = await lspdrive.server_timings(ed)
            # the server's kept tree must be the editor's text at the editor's version
            state = await ed.client.protocol.send_request_async("bench/document", {"uri": uri})
        finally:
            await lspdrive.stop(ed)
        change = [t for m, t in timings if m == "textDocument/didChange"]
        scans = [t for m, t in timings if m == "stale_diagnostics"]
        section.add(f"{language} 20k lines, didChange server time per keystroke", summary(change))
        section.add(f"{language} 20k lines, codeAction round trip right after a keystroke", summary(after_key))
        section.add(f"{language} 20k lines, stale-guide scan after a pause (debounced 0.3 s)", summary(scans))
        full = [t for m, t in timings if m == "parse_full"]
        incremental = [t for m, t in timings if m == "parse_incremental"]
        state = lspdrive.as_dict(state)
        current = state["kept_version"] == state["version"] and state["same_text"]
        section.add(f"{language} 20k lines, tree-sitter incremental re-parse", summary(incremental))
        section.note(f"{language} 20k typing: {len(keys)} keystrokes, {len(incremental)} incremental and "
                     f"{len(full)} full parses; kept tree {'current' if current else 'NOT current'} with the "
                     f"editor's text after typing.")


async def run(section_listing: Section, section_hover: Section, section_typing: Section, memory: dict,
              quick: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-edit-") as tmp:
        root = _project(Path(tmp))
        cache = Path(tmp) / "cache"
        await _listing(root, cache, section_listing, quick, memory)
        await _hover(root, cache, section_hover, quick)
        await _typing(root, cache, section_typing, quick)
