"""Realistic synthetic source files of a given size (Python and TypeScript), deterministic per seed.

They look like application code: imports, constants, classes with decorated methods and docstrings,
module functions with branches, loops, try/except, comprehensions, comments, and a few blockguide
guides already inserted (so hover and the stale-guide scan have something to find).
"""

from __future__ import annotations

import random

WORDS = ("user account order item price total cache request response session token record batch "
         "payload config path name value index count limit offset result error event queue worker "
         "client server buffer stream chunk header status report entry key node graph edge").split()


def _name(r: random.Random, parts: int = 2) -> str:
    return "_".join(r.choice(WORDS) for _ in range(parts))


def _camel(r: random.Random, parts: int = 2) -> str:
    words = [r.choice(WORDS) for _ in range(parts)]
    return words[0] + "".join(w.title() for w in words[1:])


def _guide(prefix: str, indent: str, name: str) -> list[str]:
    # An inserted guide with a hash that matches nothing: the stale-guide scan reports it.
    body = [f"--- blockguide 0123abcd (blockguide-tiny) ---", f"How to Use `{name}`", "=" * 20, "",
            "Description", "-" * 25, f"Computes the {name} from its inputs.", "", "--- end blockguide ---"]
    return [f"{indent}{prefix} {line}".rstrip() for line in body]


def _py_body(r: random.Random, ind: str, args: list[str]) -> list[str]:
    out: list[str] = []
    v = args[0] if args else "value"
    for _ in range(r.randint(2, 6)):
        kind = r.random()
        a, b = _name(r, 1), _name(r)
        if kind < 0.25:
            out += [f"{ind}if {v} is None:", f"{ind}    raise ValueError(\"{b} must be set\")",
                    f"{ind}{a} = {{}}"]
        elif kind < 0.5:
            out += [f"{ind}for {a} in {v}:", f"{ind}    if not {a}:", f"{ind}        continue",
                    f"{ind}    log.debug(\"{b} %s\", {a})"]
        elif kind < 0.7:
            out += [f"{ind}try:", f"{ind}    {a} = int({v}) + {r.randint(1, 99)}",
                    f"{ind}except (TypeError, ValueError) as exc:",
                    f"{ind}    log.warning(\"bad {a}: %s\", exc)", f"{ind}    {a} = 0"]
        elif kind < 0.85:
            out += [f"{ind}# {' '.join(r.choice(WORDS) for _ in range(6))}",
                    f"{ind}{b} = [x * {r.randint(2, 9)} for x in range({r.randint(3, 50)}) if x % 2]"]
        else:
            out += [f"{ind}with open({v!s}) as fh:", f"{ind}    {a} = fh.read().split()"]
    out.append(f"{ind}return {v}")
    return out


def python_file(lines: int, seed: int = 1) -> str:
    r = random.Random(seed)
    out = ['"""Synthetic application module for blockguide benchmarks."""', "",
           "from __future__ import annotations", "", "import logging", "import os",
           "from dataclasses import dataclass, field", "from typing import Any, Iterable", "",
           "log = logging.getLogger(__name__)", f"LIMIT = {r.randint(10, 1000)}", ""]
    n = 0
    while len(out) < lines:
        n += 1
        if r.random() < 0.45:
            cls = "".join(w.title() for w in _name(r).split("_")) + str(n)
            if n % 7 == 0:
                out += _guide("#", "", cls)
            out += ["", "", "@dataclass", f"class {cls}:", f'    """A {cls.lower()} kept in memory."""', "",
                    f"    {_name(r, 1)}: int = 0", f"    {_name(r, 1)}: list[str] = field(default_factory=list)"]
            for m in range(r.randint(3, 9)):
                args = [f"{_name(r, 1)}_{i}" for i in range(r.randint(1, 3))]
                mname = f"{_name(r)}_{m}"
                out += [""]
                if r.random() < 0.2:
                    out += ["    @property"] if len(args) == 0 else ["    @staticmethod"]
                    params = ", ".join(args)
                else:
                    params = ", ".join(["self", *args])
                out += [f"    def {mname}({params}) -> Any:", f'        """{mname.replace("_", " ").capitalize()}."""']
                out += _py_body(r, "        ", args)
        else:
            args = [f"{_name(r, 1)}_{i}" for i in range(r.randint(1, 4))]
            fname = f"{_name(r)}_{n}"
            if n % 11 == 0:
                out += _guide("#", "", fname)
            out += ["", "", f"def {fname}({', '.join(a + ': Any' for a in args)}) -> Any:"]
            if r.random() < 0.6:
                out.append(f'    """{fname.replace("_", " ").capitalize()} for the given inputs."""')
            out += _py_body(r, "    ", args)
    return "\n".join(out[:lines]) + "\n"


def _ts_body(r: random.Random, ind: str, args: list[str]) -> list[str]:
    out: list[str] = []
    v = args[0] if args else "value"
    for _ in range(r.randint(2, 6)):
        kind = r.random()
        a, b = _camel(r, 1), _camel(r)
        if kind < 0.25:
            out += [f"{ind}if ({v} === undefined) {{", f"{ind}  throw new Error(\"{b} must be set\");", f"{ind}}}"]
        elif kind < 0.5:
            out += [f"{ind}for (const {a} of [{v}]) {{", f"{ind}  if (!{a}) {{", f"{ind}    continue;",
                    f"{ind}  }}", f"{ind}  console.log({a});", f"{ind}}}"]
        elif kind < 0.7:
            out += [f"{ind}try {{", f"{ind}  const {a} = Number({v}) + {r.randint(1, 99)};",
                    f"{ind}  console.debug({a});", f"{ind}}} catch (err) {{",
                    f"{ind}  console.warn(`bad {a}: ${{err}}`);", f"{ind}}}"]
        elif kind < 0.85:
            out += [f"{ind}// {' '.join(r.choice(WORDS) for _ in range(6))}",
                    f"{ind}const {b}{r.randint(0, 999)} = [1, 2, 3].map((x) => x * {r.randint(2, 9)}).filter((x) => x % 2);"]
        else:
            out += [f"{ind}const {a}{r.randint(0, 999)} = await Promise.resolve({v});"]
    out.append(f"{ind}return {v};")
    return out


def typescript_file(lines: int, seed: int = 1) -> str:
    r = random.Random(seed)
    out = ["// Synthetic application module for blockguide benchmarks.", "",
           'import { readFile } from "node:fs/promises";', 'import * as path from "node:path";', "",
           f"export const LIMIT = {r.randint(10, 1000)};", ""]
    n = 0
    while len(out) < lines:
        n += 1
        roll = r.random()
        if roll < 0.4:
            cls = "".join(w.title() for w in _name(r).split("_")) + str(n)
            if n % 7 == 0:
                out += _guide("//", "", cls)
            out += ["", f"export class {cls} {{", f"  private {_camel(r, 1)}: number = 0;",
                    f"  readonly {_camel(r, 1)}: string[] = [];", ""]
            for m in range(r.randint(3, 9)):
                args = [_camel(r, 1) + str(i) for i in range(r.randint(1, 3))]
                mname = f"{_camel(r)}{m}"
                out += [f"  /** {mname} for the given inputs. */",
                        f"  async {mname}({', '.join(a + ': unknown' for a in args)}): Promise<unknown> {{"]
                out += _ts_body(r, "    ", args)
                out += ["  }", ""]
            out += ["}"]
        elif roll < 0.55:
            iface = "".join(w.title() for w in _name(r).split("_")) + "Options" + str(n)
            out += ["", f"export interface {iface} {{"]
            out += [f"  {_camel(r, 1)}{i}?: {r.choice(['string', 'number', 'boolean', 'string[]'])};"
                    for i in range(r.randint(2, 8))]
            out += ["}"]
        elif roll < 0.7:
            args = [_camel(r, 1) + str(i) for i in range(r.randint(1, 3))]
            fname = f"{_camel(r)}{n}"
            out += ["", f"export const {fname} = async ({', '.join(a + ': unknown' for a in args)}) => {{"]
            out += _ts_body(r, "  ", args)
            out += ["};"]
        else:
            args = [_camel(r, 1) + str(i) for i in range(r.randint(1, 4))]
            fname = f"{_camel(r)}{n}"
            if n % 11 == 0:
                out += _guide("//", "", fname)
            out += ["", f"export async function {fname}({', '.join(a + ': unknown' for a in args)}): Promise<unknown> {{"]
            out += _ts_body(r, "  ", args)
            out += ["}"]
    # close at a top-level boundary so the file parses: cut at the last line that is "}" or "};" at column 0
    cut = lines
    while cut > 0 and out[cut - 1] not in ("}", "};"):
        cut -= 1
    body = out[:cut]
    while len(body) < lines:
        body.append("")
    return "\n".join(body) + "\n"


def definition_lines(text: str, language: str) -> list[int]:
    """0-based lines where definitions start (targets for cursor moves)."""
    keys = ("def ", "class ", "    def ") if language == "python" else ("export ", "  async ")
    return [i for i, line in enumerate(text.split("\n")) if line.lstrip().startswith(keys) or line.startswith(keys)]
