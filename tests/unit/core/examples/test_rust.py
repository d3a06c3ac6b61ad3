"""Rust examples from the signature: arguments of the parameters' types, from the documentation's example
first; a private function's example is a test module next to it."""

from __future__ import annotations

from blockguide.core.examples import generic_from_signature
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
