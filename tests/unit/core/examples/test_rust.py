"""Rust examples from the signature: arguments of the parameters' types, from the documentation's example
first; a private function's example is a test module next to it."""

from __future__ import annotations

from blockguide.core.examples import attach, generic_from_signature
from blockguide.core.grounding import ground
from blockguide.core.languages import for_path
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source

LIB = '''mod error;
pub use crate::error::Oops;

/// Encodes `data` as hex.
///
/// ```
/// assert_eq!(codec::encode("Hello world!"), "48656c6c6f20776f726c6421");
/// ```
#[must_use]
#[cfg(feature = "alloc")]
pub fn encode<T: AsRef<[u8]>>(data: T) -> String {
    String::new()
}

/// Decodes into a slice.
///
/// ```
/// let mut bytes = [0u8; 4];
/// assert_eq!(codec::decode_to_slice("6b697769", &mut bytes as &mut [u8]), Ok(()));
/// ```
pub fn decode_to_slice<T>(data: T, out: &mut [u8]) -> Result<(), Oops> where T: AsRef<[u8]> {
    Ok(())
}

pub fn fill(data: &str, out: &mut [u8]) {}

pub fn digest(data: impl AsRef<[u8]>, path: impl AsRef<std::path::Path>, idx: usize) {}

fn val(c: u8, idx: usize) -> Result<u8, Oops> {
    match c {
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(Oops),
    }
}
'''


def _example(tmp_path, name):
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "codec"\nversion = "0.1.0"\nedition = "2021"\n')
    path = tmp_path / "src/lib.rs"
    path.write_text(LIB)
    src = Source(for_path(str(path)), LIB)
    g = ground(find_definition(src, name), src, path, tmp_path, 5)
    return generic_from_signature(g, src).code


def test_a_generic_parameter_takes_the_documentations_literal(tmp_path):
    code = _example(tmp_path, "encode")
    assert "let result = encode(\"Hello world!\");" in code and "Default::default()" not in code


def test_a_mutable_byte_slice_is_a_buffer_sized_by_the_documentation(tmp_path):
    code = _example(tmp_path, "decode_to_slice")
    assert "    let mut out = [0u8; 4];\n    let result = decode_to_slice(\"6b697769\", &mut out);" in code


def test_without_documentation_the_buffer_takes_the_inputs_length_and_bounds_give_literals(tmp_path):
    assert "let mut out = [0u8; 7];\n    fill(\"example\", &mut out);\n    println!(\"{:?}\", out);" in _example(tmp_path, "fill")
    assert 'digest("example", "example.txt", 0)' in _example(tmp_path, "digest")


def test_a_private_function_is_called_from_a_test_module_next_to_it(tmp_path):
    code = _example(tmp_path, "val")
    assert "fn main" not in code and "use codec" not in code
    assert code.startswith("// In `src/lib.rs`, next to `val`")
    assert "#[cfg(test)]\nmod val_example {\n    use super::*;\n\n    #[test]\n    fn calls_val() {\n" in code
    assert "        let result = val(b'A', 0);\n" in code  # the first literal the function matches `c` against


def _crate_example(tmp_path, files, rel, name):
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "kit"\nversion = "0.1.0"\nedition = "2021"\n')
    for file, text in files.items():
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_text(text)
    path = tmp_path / rel
    src = Source(for_path(str(path)), path.read_text())
    g = ground(find_definition(src, name), src, path, tmp_path, 5)
    return g, generic_from_signature(g, src).code


RULES = '''use core::fmt;
use core::hash::Hasher;

pub struct Rule {
    text: String,
}

pub struct Opaque;

impl Rule {
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(Rule { text: text.to_string() })
    }

    pub fn opaque(&self) -> Opaque {
        Opaque
    }

    pub fn maybe(&self) -> Option<Opaque> {
        None
    }

    pub fn table(&self, lookup: &[u8; 256]) -> usize {
        lookup.len()
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.text)
    }
}

pub struct Sum(u64);

impl Hasher for Sum {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 += bytes.len() as u64;
    }
}
'''


def test_a_methods_receiver_comes_from_its_types_constructor_and_only_debug_results_are_debug_printed(tmp_path):
    g, code = _crate_example(tmp_path, {"src/lib.rs": "mod rules;\npub use rules::{Rule, Sum};\n",
                                        "src/rules.rs": RULES}, "src/rules.rs", "opaque")
    assert g.import_line == "use kit::Rule;"  # the type's public path, not the private module's
    assert 'let value = Rule::parse("example").unwrap();' in code
    assert "let _result = value.opaque();" in code and "{:?}" not in code  # Opaque has no Debug
    _, code = _crate_example(tmp_path, {}, "src/rules.rs", "maybe")
    assert 'println!("{}", result.is_some());' in code
    _, code = _crate_example(tmp_path, {}, "src/rules.rs", "table")
    assert "value.table(&[0u8; 256])" in code  # no Default for arrays over 32 elements


def test_a_trait_impls_method_brings_its_trait_in_and_fmt_is_called_by_formatting(tmp_path):
    files = {"src/lib.rs": "mod rules;\npub use rules::{Rule, Sum};\n", "src/rules.rs": RULES}
    _, code = _crate_example(tmp_path, files, "src/rules.rs", "finish")
    assert "use kit::Sum;\nuse std::hash::Hasher;\n" in code
    _, code = _crate_example(tmp_path, files, "src/rules.rs", "fmt")
    assert 'println!("{}", value);' in code and "Formatter" not in code and "Default::default()" not in code


GENERIC = '''#![no_std]
pub trait Store {}

impl<T, const N: usize> Store for [T; N] {}

pub struct Bag<A: Store> {
    items: A,
}

impl<A: Store> Bag<A> {
    pub fn new() -> Self {
        todo!()
    }

    pub fn size(&self) -> usize {
        0
    }
}

pub struct Wrap<I> {
    inner: I,
}

impl<I: Iterator> Wrap<I> {
    pub fn new(inner: I) -> Self {
        Wrap { inner }
    }

    pub fn first(&mut self) -> Option<I::Item> {
        self.inner.next()
    }
}

fn helper(x: u32) -> u32 {
    x
}
'''


def test_a_generic_types_arguments_come_from_the_bounds_of_its_impl(tmp_path):
    _, code = _crate_example(tmp_path, {"src/lib.rs": GENERIC}, "src/lib.rs", "size")
    assert "let value = Bag::<[i32; 4]>::new();" in code
    _, code = _crate_example(tmp_path, {"src/lib.rs": GENERIC}, "src/lib.rs", "first")
    assert "let mut value = Wrap::<std::vec::IntoIter<i32>>::new(vec![1, 2, 3].into_iter());" in code
    assert 'println!("{:?}", result);' in code  # an Option of the chosen iterator's i32


def test_a_no_std_crates_test_module_brings_in_std_to_print(tmp_path):
    _, code = _crate_example(tmp_path, {"src/lib.rs": GENERIC}, "src/lib.rs", "helper")
    assert "mod helper_example {\n    extern crate std;\n    use super::*;" in code
    assert 'std::println!("{:?}", result);' in code


TRAITS = '''pub trait Encode {
    fn name(&self) -> &str;

    fn shout(&self, suffix: &str) -> String {
        format!("{}{}", self.name(), suffix)
    }
}

pub struct Plain;

impl Encode for Plain {
    fn name(&self) -> &str {
        "plain"
    }
}

pub struct Tally;

impl Tally {
    pub fn new() -> Self {
        Tally
    }

    pub fn feed<H: core::hash::Hasher>(&self, state: &mut H) {
        state.write_u8(1);
    }

    pub unsafe fn raw(&self, at: usize) -> usize {
        at
    }
}

pub fn outer(x: u32) -> u32 {
    fn local(y: u32) -> u32 {
        y + 1
    }
    local(x)
}
'''


def test_a_traits_own_method_is_called_on_a_type_of_the_crate_that_implements_it(tmp_path):
    _, code = _crate_example(tmp_path, {"src/lib.rs": TRAITS}, "src/lib.rs", "shout")
    assert "use kit::Encode;" in code and "let value = kit::Plain;" in code  # by its path: not imported
    assert 'value.shout("example")' in code


def test_a_methods_generic_parameter_and_an_unsafe_call(tmp_path):
    _, code = _crate_example(tmp_path, {"src/lib.rs": TRAITS}, "src/lib.rs", "feed")
    assert "let mut state = std::collections::hash_map::DefaultHasher::new();" in code
    assert "value.feed(&mut state);" in code
    _, code = _crate_example(tmp_path, {"src/lib.rs": TRAITS}, "src/lib.rs", "raw")
    assert "let result = unsafe { value.raw(3) };" in code


def test_a_function_defined_inside_another_is_shown_through_that_one(tmp_path):
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "kit"\nversion = "0.1.0"\nedition = "2021"\n')
    (tmp_path / "src").mkdir()
    path = tmp_path / "src/lib.rs"
    path.write_text(TRAITS)
    src = Source(for_path(str(path)), TRAITS)
    g = ground(find_definition(src, "local"), src, path, tmp_path, 5)
    attach(g, src, path, tmp_path, lambda example, grounding: [])
    assert g.example.code.startswith("// `local` is defined inside `outer`: calling `outer` runs it.\n")
    assert "use kit::outer;" in g.example.code and "outer(3)" in g.example.code
