"""The bench builds a fetched crate once, offline, so that blockguide's Rust check (which runs only where a
target/ folder shows the project is built) is what the bench measures."""

from __future__ import annotations

import shutil

import pytest

from bench.quality import fetch


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_a_crate_with_dev_dependencies_not_in_cargos_cache_is_built_into_its_target_folder(tmp_path):
    tree = tmp_path / "tiny-0.1.0"
    (tree / "src").mkdir(parents=True)
    # a published crate: no Cargo.lock, and a dev-dependency nobody fetched (offline it cannot be resolved)
    (tree / "Cargo.toml").write_text('[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n\n'
                                     '[dev-dependencies.no-such-crate-blockguide]\nversion = "9"\n')
    (tree / "src/lib.rs").write_text("pub fn one() -> u8 {\n    1\n}\n")
    fetch.build_crate(tree)
    assert (tree / "target").is_dir()
    assert sorted(p.name for p in tree.iterdir()) == ["Cargo.toml", "src", "target"]  # no lock file, nothing else
