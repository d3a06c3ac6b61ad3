"""A Rust crate's module tree (core.rust_crate): the public path to an item follows the `mod` chain from the
library's root file (every module on it `pub`) or a `pub use` in an ancestor; `#[cfg(test)]` and features
decide what is compiled."""

from __future__ import annotations

from blockguide.core.languages import for_path
from blockguide.core.rust_crate import Reach, crate_of, place_of
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.nodes import definition_node
from blockguide.core.syntax.source import Source


def _crate(root, files, manifest=""):
    (root / "Cargo.toml").write_text('[package]\nname = "tiny-kit"\nversion = "0.1.0"\nedition = "2021"\n' + manifest)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return crate_of(root / next(iter(files)))


def test_an_item_in_a_private_module_is_reached_only_through_pub_modules_or_a_re_export(tmp_path):
    crate = _crate(tmp_path, {"src/lib.rs": "mod hidden;\npub mod shown;\n",
                              "src/hidden.rs": "pub fn secret() {}\n",
                              "src/shown.rs": "pub fn open() {}\nfn closed() {}\n"})
    assert crate.reach(("hidden",), "secret") is None
    assert crate.reach(("shown",), "open") == Reach("tiny_kit::shown::open")
    assert crate.reach(("shown",), "closed") is None
    crate = _crate(tmp_path, {"src/lib.rs": "mod hidden;\npub mod shown;\npub use hidden::secret;\n"})
    assert crate.reach(("hidden",), "secret") == Reach("tiny_kit::secret")


def test_re_exports_in_an_ancestor_module_by_glob_list_and_alias(tmp_path):
    files = {"src/lib.rs": "pub mod outer;\n",
             "src/outer/mod.rs": "mod a;\nmod b;\nmod c;\npub use self::a::*;\npub use b::{two, Three};\n"
                                 "pub use c::four as quatre;\n",
             "src/outer/a.rs": "pub fn one() {}\n",
             "src/outer/b.rs": "pub fn two() {}\npub struct Three;\npub fn not_listed() {}\n",
             "src/outer/c.rs": "pub fn four() {}\n"}
    crate = _crate(tmp_path, files)
    assert crate.reach(("outer", "a"), "one").path == "tiny_kit::outer::one"
    assert crate.reach(("outer", "b"), "two").path == "tiny_kit::outer::two"
    assert crate.reach(("outer", "b"), "Three").path == "tiny_kit::outer::Three"
    assert crate.reach(("outer", "b"), "not_listed") is None
    assert crate.reach(("outer", "c"), "four").path == "tiny_kit::outer::quatre"


def test_the_shortest_path_and_the_items_own_name_before_an_alias(tmp_path):
    files = {"src/lib.rs": "pub mod deep;\npub mod prelude {\n    pub use crate::deep::inner::Thing as KitThing;\n}\n"
                           "pub use deep::inner;\n",
             "src/deep/mod.rs": "pub mod inner;\n",
             "src/deep/inner.rs": "pub struct Thing;\n"}
    crate = _crate(tmp_path, files)
    assert crate.reach(("deep", "inner"), "Thing").path == "tiny_kit::inner::Thing"


def test_test_only_and_feature_gated_modules(tmp_path):
    files = {"src/lib.rs": '#[cfg(test)]\nmod helpers;\n#[cfg(feature = "extra")]\npub mod extra;\n'
                           '#[cfg(any(feature = "std", test))]\npub mod io;\n',
             "src/helpers.rs": "pub fn fixture() {}\n",
             "src/extra.rs": "pub fn bonus() {}\n",
             "src/io.rs": "pub fn read() {}\n#[test]\nfn reads() {}\n"}
    crate = _crate(tmp_path, files, '\n[features]\ndefault = ["std"]\nstd = []\nextra = []\n')
    assert crate.reach(("helpers",), "fixture") is None and crate.test_only(("helpers",), "fixture")
    assert crate.reach(("extra",), "bonus") == Reach("tiny_kit::extra::bonus", ("extra",))
    assert crate.reach(("io",), "read") == Reach("tiny_kit::io::read")  # `std` is a default feature
    assert crate.test_only(("io",), "reads") and not crate.test_only(("io",), "read")


def test_no_std_and_a_library_path_from_the_manifest(tmp_path):
    crate = _crate(tmp_path, {"lib.rs": '#![cfg_attr(not(feature = "std"), no_std)]\npub fn f() {}\n'},
                   '\n[lib]\npath = "lib.rs"\n\n[features]\ndefault = ["std"]\nstd = []\n')
    assert crate.reach((), "f").path == "tiny_kit::f" and not crate.no_std()
    crate = _crate(tmp_path, {"lib.rs": "#![no_std]\npub fn f() {}\n"}, '\n[lib]\npath = "lib.rs"\n')
    assert crate.no_std()


def _place(root, rel, name):
    path = root / rel
    src = Source(for_path(str(path)), path.read_text())
    return place_of(path, definition_node(src, find_definition(src, name)))


def test_a_methods_place_is_its_types_path_and_the_trait_to_bring_in(tmp_path):
    files = {"src/lib.rs": "mod parse;\nmod sealed;\npub struct Version;\n",
             "src/parse.rs": "use core::str::FromStr;\nuse crate::Version;\nuse crate::sealed::Hidden;\n\n"
                             "impl FromStr for Version {\n    type Err = ();\n"
                             "    fn from_str(s: &str) -> Result<Self, ()> {\n        Ok(Version)\n    }\n}\n\n"
                             "impl Version {\n    pub fn major(&self) -> u64 {\n        1\n    }\n"
                             "    fn internal(&self) {}\n}\n\n"
                             "impl Hidden for Version {\n    fn hide(&self) {}\n}\n",
             "src/sealed.rs": "pub trait Hidden {\n    fn hide(&self);\n}\n"}
    _crate(tmp_path, files)
    parse = _place(tmp_path, "src/parse.rs", "from_str")
    assert parse.reach.path == "tiny_kit::Version" and parse.public
    assert (parse.trait, parse.trait_inside) == ("std::str::FromStr", "core::str::FromStr")
    major = _place(tmp_path, "src/parse.rs", "major")
    assert major.public and major.trait is None
    assert not _place(tmp_path, "src/parse.rs", "internal").public  # no `pub` in an inherent impl
    hide = _place(tmp_path, "src/parse.rs", "hide")
    assert not hide.public and hide.trait_inside == "crate::sealed::Hidden"  # a trait nothing public reaches
