"""How blockguide names a file's module or package the way the language's own tools do."""

from __future__ import annotations

from pathlib import Path

import pytest

from blockguide.core.project import go_import

ERRORS = "// Package errors provides simple error handling primitives.\npackage errors\n\nfunc Wrap() {}\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_go_mod_names_the_module_and_sub_folders_extend_it(tmp_path):
    write(tmp_path / "go.mod", "module example.com/tool\n\ngo 1.22\n")
    assert go_import(write(tmp_path / "errors.go", ERRORS), tmp_path, ERRORS) == (
        "example.com/tool", 'import "example.com/tool"')
    deep = write(tmp_path / "internal" / "wrap" / "errors.go", ERRORS)
    assert go_import(deep, tmp_path, ERRORS)[0] == "example.com/tool/internal/wrap"


def test_package_main_has_no_import_path(tmp_path):
    write(tmp_path / "go.mod", "module example.com/tool\n")
    text = "package main\n\nfunc main() {}\n"
    assert go_import(write(tmp_path / "main.go", text), tmp_path, text) == (None, None)


def test_a_package_from_before_modules_uses_its_import_comment(tmp_path):
    text = 'package errors // import "github.com/pkg/errors"\n'
    assert go_import(write(tmp_path / "x" / "errors.go", text), tmp_path, text)[0] == "github.com/pkg/errors"


@pytest.mark.parametrize("folder, expected", [
    ("go/src/github.com/pkg/errors", "github.com/pkg/errors"),
    ("go/pkg/mod/github.com/pkg/errors@v0.9.1", "github.com/pkg/errors"),
    ("go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2/internal", "github.com/BurntSushi/toml/internal"),
    ("work/errors", None),  # no go.mod, no comment, no GOPATH: unknown, never guessed
    ("work/src/errors", None),  # a src folder, but not an import path under it
])
def test_gopath_and_module_cache_folders_name_the_package(tmp_path, folder, expected):
    path = write(tmp_path / folder / "errors.go", ERRORS)
    assert go_import(path, tmp_path, ERRORS)[0] == expected
