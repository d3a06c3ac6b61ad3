"""Rust examples: `cargo check --offline` on a temporary crate depending on the project by path, only where a
target/ folder shows the project is built; otherwise parsed only, and the check says so. The tree is never
written."""

from __future__ import annotations

import shutil

import pytest

from blockguide.core.checks import check_example, toolchain, toolchain_rust, toolrun
from blockguide.core.examples import attach
from blockguide.core.grounding import ground
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.types import Example


@pytest.fixture(autouse=True)
def cargo_on(monkeypatch):
    monkeypatch.setattr(toolchain, "ENABLED", True)
    monkeypatch.setattr(toolchain_rust, "RUST_SECONDS", 180.0)
    toolrun.results.clear()


def _crate(root, built=True):
    (root / "src").mkdir(parents=True)
    (root / "Cargo.toml").write_text('[package]\nname = "twice-kit"\nversion = "0.1.0"\nedition = "2021"\n')
    (root / "src/lib.rs").write_text("/// Twice the number.\npub fn twice(x: u32) -> u32 {\n    x * 2\n}\n")
    if built:
        (root / "target").mkdir()
    return root


def _grounded(root, name):
    path = root / "src/lib.rs"
    src = Source(for_path(str(path)), path.read_text())
    return ground(find_definition(src, name), src, path, root, 5), src, path


def _tree(root):
    return sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in root.rglob("*") if p.is_file())


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_cargo_check_accepts_the_signature_example_and_names_a_wrong_argument(tmp_path):
    root = _crate(tmp_path)
    before = _tree(root)
    g, src, path = _grounded(root, "twice")
    attach(g, src, path, root, check_example)
    assert g.example.code.startswith("use twice_kit::twice;")
    assert g.example_checks == ("static", "cargo check") and g.example_problems == ()
    bad = check_example(Example("rust", 'use twice_kit::twice;\n\nfn main() {\n    println!("{}", twice("2"));\n}\n'), g)
    assert bad.checks == ("static", "cargo check") and len(bad) == 1
    assert bad[0].startswith("cargo check: example.rs:4: error[E0308]: mismatched types")
    assert _tree(root) == before  # a temporary crate and blockguide's own target folder only


def test_a_crate_without_target_is_parsed_only_and_the_check_says_so(tmp_path):
    root = _crate(tmp_path, built=False)
    g, src, path = _grounded(root, "twice")
    problems = check_example(Example("rust", 'use twice_kit::twice;\n\nfn main() {\n    twice("2");\n}\n'), g)
    assert problems == [] and problems.checks == ("static", "parse only (no target/)")


def test_a_pub_item_re_exported_at_the_root_is_imported_from_the_crate_one_in_a_private_module_is_not(tmp_path):
    root = _crate(tmp_path, built=False)
    (root / "src/lib.rs").write_text("mod error;\npub use crate::error::Oops;\n\npub fn twice(x: u32) -> u32 {\n"
                                     "    x * 2\n}\n")
    (root / "src/error.rs").write_text("pub fn oops_code() -> u32 {\n    1\n}\n\n#[derive(Debug)]\npub struct Oops;\n")
    path = root / "src/error.rs"
    src = Source(for_path(str(path)), path.read_text())
    oops = ground(find_definition(src, "Oops"), src, path, root, 5)
    assert oops.import_line == "use twice_kit::Oops;"
    code = ground(find_definition(src, "oops_code"), src, path, root, 5)
    assert code.import_line is None  # `pub`, but in a private module nothing re-exports it from


PRIVATE = '''/// Twice the number.
pub fn twice(x: u32) -> u32 {
    x * 2
}

fn val(c: u8, idx: usize) -> Result<u8, String> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        _ => Err(format!("bad {} at {}", c, idx)),
    }
}

#[cfg(test)]
mod tests {
    use not_fetched_anywhere::helper;
}
'''


def _private_crate(root):
    _crate(root)
    # a published crate's manifest: a bench whose file is not there, a dev-dependency nobody fetched
    (root / "Cargo.toml").write_text('[package]\nname = "twice-kit"\nversion = "0.1.0"\nedition = "2021"\n\n'
                                     '[[bench]]\nname = "speed"\nharness = false\n\n'
                                     '[dev-dependencies.not_fetched_anywhere]\nversion = "7"\n')
    (root / "src/lib.rs").write_text(PRIVATE)
    return root


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_a_private_functions_example_is_checked_inside_its_module_in_a_copy_of_the_crate(tmp_path, monkeypatch):
    monkeypatch.setattr(toolchain_rust, "BUILD_ROOT", tmp_path / "builds")
    root = _private_crate(tmp_path / "proj")
    before = _tree(root)
    g, src, path = _grounded(root, "val")
    attach(g, src, path, root, check_example)
    assert g.example.code.startswith("// In `src/lib.rs`, next to `val`") and "val(b'0', 0)" in g.example.code
    assert g.example_checks == ("static", "cargo check") and g.example_problems == ()
    wrong = g.example.code.replace("val(b'0', 0)", 'val("0", 0)')
    bad = check_example(Example("rust", wrong), g)
    line = wrong.split("\n").index(next(l for l in wrong.split("\n") if 'val("0"' in l)) + 1
    assert bad.checks == ("static", "cargo check")
    assert bad[0].startswith(f"cargo check: example.rs:{line}: error[E0308]: mismatched types"), bad
    assert _tree(root) == before  # the copy is blockguide's, in its own build folder


def test_the_copys_manifest_leaves_out_what_a_dependency_is_built_without(tmp_path):
    text = ('[package]\nname = "k"\n\n[dependencies]\nsib = { path = "../sib" }\n\n[[bench]]\nname = "b"\n\n'
            '[dev-dependencies.crit]\nversion = "1"\n\n[target.\'cfg(unix)\'.dev-dependencies]\nx = "1"\n\n'
            '[features]\ndefault = []\n')
    out = toolchain_rust.copied_manifest(text, tmp_path / "k")
    assert f'sib = {{ path = "{(tmp_path / "sib").as_posix()}" }}' in out
    assert "bench" not in out and "crit" not in out and 'x = "1"' not in out and "[features]" in out
    assert toolchain_rust.copied_manifest('[package]\nversion.workspace = true\n', tmp_path) is None


def test_at_most_max_build_dirs_are_kept_the_least_recently_used_go(tmp_path, monkeypatch):
    import os
    monkeypatch.setattr(toolchain_rust, "BUILD_ROOT", tmp_path)
    monkeypatch.setattr(toolchain_rust, "MAX_BUILD_DIRS", 2)
    first = toolchain_rust.build_dir(tmp_path / "a")
    os.utime(first, (1, 1))
    second = toolchain_rust.build_dir(tmp_path / "b")
    third = toolchain_rust.build_dir(tmp_path / "c")
    assert not first.exists() and second.is_dir() and third.is_dir()


KIT = '''#![no_std]
mod inner;
pub use inner::Bag;

pub trait Store {}

impl<T, const N: usize> Store for [T; N] {}
'''

INNER = '''use crate::Store;
use core::fmt;

pub struct Bag<A: Store> {
    items: A,
    count: usize,
}

impl<A: Store + Default> Bag<A> {
    pub fn new() -> Self {
        Bag { items: A::default(), count: 0 }
    }

    pub fn count(&self) -> usize {
        self.count
    }

    fn bump(&mut self) -> usize {
        self.count += 1;
        self.count
    }
}

impl<A: Store> fmt::Display for Bag<A> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} items", self.count)
    }
}
'''


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_examples_of_a_generic_no_std_types_methods_pass_cargo_check(tmp_path, monkeypatch):
    monkeypatch.setattr(toolchain_rust, "BUILD_ROOT", tmp_path / "builds")
    root = _crate(tmp_path / "proj")
    (root / "src/lib.rs").write_text(KIT)
    path = root / "src/inner.rs"
    path.write_text(INNER)
    src = Source(for_path(str(path)), INNER)
    for name in ("count", "fmt", "bump"):
        g = ground(find_definition(src, name), src, path, root, 5)
        attach(g, src, path, root, check_example)
        assert g.example_checks == ("static", "cargo check") and g.example_problems == (), (name, g.example.code)
    # a private method: a test module after the impl around it (a module cannot be written inside an impl)
    assert g.example.code.startswith("// In `src/inner.rs`, next to `bump`") and "extern crate std;" in g.example.code


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_a_feature_gated_items_example_says_so_and_is_checked_with_the_feature(tmp_path, monkeypatch):
    monkeypatch.setattr(toolchain_rust, "BUILD_ROOT", tmp_path / "builds")
    root = _crate(tmp_path / "proj")
    with (root / "Cargo.toml").open("a") as manifest:
        manifest.write('\n[features]\nextra = []\n')
    (root / "src/lib.rs").write_text('#[cfg(feature = "extra")]\npub mod extra;\n')
    path = root / "src/extra.rs"
    path.write_text("/// A bonus.\npub fn bonus(x: u32) -> u32 {\n    x + 1\n}\n")
    src = Source(for_path(str(path)), path.read_text())
    g = ground(find_definition(src, "bonus"), src, path, root, 5)
    assert g.needs_features == ("extra",) and g.import_line == "use twice_kit::extra::bonus;"
    attach(g, src, path, root, check_example)
    assert g.example.code.startswith('// Needs the crate\'s feature "extra": `features = ["extra"]`')
    assert g.example_checks == ("static", "cargo check") and g.example_problems == ()


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_an_example_in_a_test_only_module_is_not_claimed_checked(tmp_path, monkeypatch):
    monkeypatch.setattr(toolchain_rust, "BUILD_ROOT", tmp_path / "builds")
    root = _crate(tmp_path / "proj")
    (root / "src/lib.rs").write_text("#[cfg(test)]\nmod helpers;\n")
    path = root / "src/helpers.rs"
    path.write_text("pub fn fixture(x: u32) -> u32 {\n    x\n}\n")
    src = Source(for_path(str(path)), path.read_text())
    g = ground(find_definition(src, "fixture"), src, path, root, 5)
    attach(g, src, path, root, check_example)
    assert g.import_line is None and "mod fixture_example {" in g.example.code
    assert g.example_checks == ("static",)  # a dependency's copy is built without its tests: nothing compiled it
