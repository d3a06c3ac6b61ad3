"""Every supported language: snapping, the definition around a cursor, the outline, and a guide comment that
parses back with tree-sitter and leaves the code after it unchanged."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from blockguide.core import phrase
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.dataflow import dataflow
from blockguide.core.syntax.blocks import enclosing_definition, snap
from blockguide.core.syntax.markers import find_guides
from blockguide.core.syntax.source import Source
from blockguide.core.edits import plan_edit
from blockguide.core.languages import LANGUAGES, for_path, parser_for
from blockguide.core.render import to_comment
from blockguide.core.fallback import static_guide
from tests.support.analysis import ground


@dataclass
class Case:
    lang: str
    suffix: str
    code: str
    function: str  # the function to document
    cursor: tuple[int, int]  # 0-based position inside it
    selection: tuple[int, int]  # 0-based lines inside it, snapped to whole statements
    snapped: tuple[int, int]  # the span snap() must answer (start, end exclusive)
    kinds: list[str]  # outline kinds of the function's top-level actions, in order
    calls: list[str]  # some callees the outline must list, in order
    io: str | None = None  # an I/O tag the outline must find


CASES = [
    Case("python", ".py", '''\
        import json
        from pathlib import Path


        class ConfigError(Exception):
            """Raised for a bad config file."""


        def load_config(path: str, strict: bool = True) -> dict:
            """Read a JSON config file and check its keys."""
            text = Path(path).read_text()
            data = json.loads(text)
            if strict and "name" not in data:
                raise ConfigError(f"{path}: no name")
            for key in list(data):
                if key.startswith("_"):
                    del data[key]
            return data
        ''', "load_config", (11, 8), (11, 12), (11, 14),
         ["assign", "assign", "branch", "loop", "return"], ["Path", "read_text", "json.loads"], "file: read_text"),
    Case("javascript", ".js", '''\
        const fs = require("fs");

        /** Count the lines of a file, skipping blank ones. */
        function countLines(path, options = {}) {
          const text = fs.readFileSync(path, "utf8");
          let count = 0;
          for (const line of text.split("\\n")) {
            if (line.trim() === "") {
              continue;
            }
            count += 1;
          }
          if (options.verbose) {
            console.log(`${path}: ${count}`);
          }
          return count;
        }

        module.exports = { countLines };
        ''', "countLines", (5, 4), (5, 6), (5, 12),
         ["assign", "assign", "loop", "branch", "return"], ["fs.readFileSync", "text.split"], "file: fs.readFileSync"),
    Case("typescript", ".ts", '''\
        export interface User {
          id: string;
          name: string;
        }

        export async function fetchUser(base: string, id: string): Promise<User> {
          const res = await fetch(`${base}/users/${id}`);
          if (!res.ok) {
            throw new Error(`HTTP ${res.status}`);
          }
          const body = (await res.json()) as User;
          return body;
        }
        ''', "fetchUser", (7, 4), (6, 6), (6, 7),
         ["assign", "branch", "assign", "return"], ["fetch", "res.json"], "network: fetch"),
    Case("go", ".go", '''\
        package store

        import (
        	"fmt"
        	"os"
        )

        // ReadLines reads a file and returns its non-empty lines.
        func ReadLines(path string) ([]string, error) {
        	data, err := os.ReadFile(path)
        	if err != nil {
        		return nil, fmt.Errorf("read %s: %w", path, err)
        	}
        	var out []string
        	for _, line := range splitLines(string(data)) {
        		if line != "" {
        			out = append(out, line)
        		}
        	}
        	return out, nil
        }
        ''', "ReadLines", (10, 2), (9, 9), (9, 10),
         ["assign", "branch", "assign", "loop", "return"], ["os.ReadFile"], "file: os.ReadFile"),
    Case("rust", ".rs", '''\
        use std::fs;
        use std::io;

        /// Sum the numbers in a file, one per line.
        pub fn sum_file(path: &str) -> io::Result<i64> {
            let text = fs::read_to_string(path)?;
            let mut total = 0;
            for line in text.lines() {
                if let Ok(n) = line.trim().parse::<i64>() {
                    total += n;
                }
            }
            Ok(total)
        }
        ''', "sum_file", (6, 8), (6, 7), (6, 12),
         ["assign", "assign", "loop", "return"], ["fs::read_to_string"], "file: fs::read_to_string"),
    Case("java", ".java", '''\
        package com.example.text;

        import java.util.ArrayList;
        import java.util.List;

        public class Words {
            /** Split a sentence into lower-case words. */
            public static List<String> split(String sentence) {
                List<String> out = new ArrayList<>();
                if (sentence == null) {
                    return out;
                }
                for (String part : sentence.split("\\\\s+")) {
                    out.add(part.toLowerCase());
                }
                return out;
            }
        }
        ''', "split", (8, 12), (8, 11), (8, 12),
         ["assign", "branch", "loop", "return"], ["new ArrayList"]),
    Case("c", ".c", '''\
        #include <stdio.h>

        /* Count the lines of a file; -1 when it cannot be opened. */
        int count_lines(const char *path) {
            FILE *f = fopen(path, "r");
            int n = 0;
            int c;
            if (f == NULL) {
                return -1;
            }
            while ((c = fgetc(f)) != EOF) {
                if (c == '\\n') {
                    n++;
                }
            }
            fclose(f);
            return n;
        }
        ''', "count_lines", (5, 8), (4, 5), (4, 6),
         ["assign", "assign", "assign", "branch", "loop", "call", "return"], ["fopen", "fgetc", "fclose"],
         "file: fopen"),
    Case("cpp", ".cpp", '''\
        #include <string>
        #include <vector>

        namespace text {

        // Split a string on a separator character.
        std::vector<std::string> split(const std::string& s, char sep) {
            std::vector<std::string> parts;
            std::string current;
            for (char c : s) {
                if (c == sep) {
                    parts.push_back(current);
                    current.clear();
                } else {
                    current += c;
                }
            }
            parts.push_back(current);
            return parts;
        }

        }  // namespace text
        ''', "split", (9, 8), (7, 9), (7, 17),
         ["assign", "assign", "loop", "call", "return"], ["parts.push_back"]),
]


def _src(case: Case) -> Source:
    return Source(LANGUAGES[case.lang], textwrap.dedent(case.code))


@pytest.mark.parametrize("case", CASES, ids=[c.lang for c in CASES])
def test_language_table_knows_the_file(case):
    lang = for_path("x" + case.suffix)
    assert lang is not None and lang.key == case.lang
    assert lang.comment == ("#" if case.lang == "python" else "//")
    assert lang.fence_tag == case.lang


@pytest.mark.parametrize("case", CASES, ids=[c.lang for c in CASES])
def test_enclosing_definition_from_a_cursor(case):
    src = _src(case)
    assert not src.has_errors()
    block = enclosing_definition(src, *case.cursor)
    assert block is not None and block.name == case.function
    assert block.kind == ("method" if case.lang == "java" else "function")  # a C++ namespace holds functions
    assert find_definition(src, case.function).span == block.span


@pytest.mark.parametrize("case", CASES, ids=[c.lang for c in CASES])
def test_a_partial_selection_snaps_to_whole_statements(case):
    src = _src(case)
    block = snap(src, *case.selection)
    assert block is not None and block.kind == "statements"
    assert (block.span.start, block.span.end) == case.snapped


@pytest.mark.parametrize("case", CASES, ids=[c.lang for c in CASES])
def test_outline_follows_the_code(case):
    src = _src(case)
    block = find_definition(src, case.function)
    actions = phrase.outline(src, block)
    assert [a.kind for a in actions if a.depth == 0] == case.kinds
    calls = [c for a in actions for c in a.calls]
    positions = [calls.index(c) for c in case.calls]
    assert positions == sorted(positions), calls
    if case.io:
        assert tuple(case.io.split(": ", 1)) in [io for a in actions for io in a.io]  # (kind, callee)
    lines = [a.line for a in actions]
    assert lines == sorted(lines)  # code order
    assert all(block.span.start <= line < block.span.end for line in lines)


@pytest.mark.parametrize("case", CASES, ids=[c.lang for c in CASES])
def test_a_guide_comment_parses_back_and_leaves_the_code_unchanged(case, tmp_path):
    src = _src(case)
    block = find_definition(src, case.function)
    path = tmp_path / ("file" + case.suffix)
    path.write_text(src.text)
    guide = static_guide(ground(block, src, path, tmp_path, 0))
    edit = plan_edit(src, block, guide, "comment")
    lines = src.text.split("\n")
    new_lines = lines[: edit.span.start] + edit.text.rstrip("\n").split("\n") + lines[edit.span.end:]
    new_text = "\n".join(new_lines)
    tree = parser_for(LANGUAGES[case.lang]).parse(new_text.encode())
    assert not tree.root_node.has_error
    inserted = edit.text.count("\n")
    assert new_lines[block.span.start + inserted:] == lines[block.span.start:]  # the code after it is unchanged
    new_src = Source(LANGUAGES[case.lang], new_text)
    found = find_guides(new_src)
    assert len(found) == 1 and found[0].hash == block.short_hash
    assert f"```{case.lang}" in found[0].body


@pytest.mark.parametrize("case", CASES, ids=[c.lang for c in CASES])
def test_a_selection_knows_its_inputs_and_outputs(case):
    src = _src(case)
    block = snap(src, *case.selection)
    inputs, outputs = dataflow(src, block)
    assert inputs, "every selection here reads a parameter or an earlier local"
    assert outputs, "every selection here binds a name the code after it uses"
