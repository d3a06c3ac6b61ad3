"""A model's example no compiler could check is held to blockguide's checked example (core/checks/agreement.py):
it imports the block the same way and calls it with as many arguments as the block takes."""

from __future__ import annotations

from blockguide.core.checks.agreement import arity, call_problems, compiled, disagreements, import_problems
from blockguide.core.grounding import ground
from blockguide.core.languages import LANGUAGES
from blockguide.core.syntax.blocks import find_definition
from blockguide.core.syntax.source import Source
from blockguide.core.types import Example

GO = '''\
package uuid

func Parse(s string) (UUID, error) {
	return UUID{}, nil
}

func Join(sep string, parts ...string) string {
	return ""
}
'''

CHECKED_GO = '''\
package main

import (
	"fmt"
	"github.com/google/uuid"
)

func main() {
	id, err := uuid.Parse("f47ac10b-58cc-4372-a567-0e02b2c3d479")
	fmt.Println(id, err)
}
'''

RUST = "pub fn encode<T: AsRef<[u8]>>(data: T) -> String {\n    data.encode_hex()\n}\n"


def _g(lang, code, name, example=None):
    src = Source(LANGUAGES[lang], code)
    g = ground(find_definition(src, name), src, None, None, 0)
    g.example = Example(lang, example) if example else None
    return g


def test_only_a_check_that_resolves_names_counts_as_compiled():
    assert not compiled(("static",)) and not compiled(("static", "node --check"))
    assert not compiled(("static", "parse only (no target/)"))
    assert compiled(("static", "go vet")) and compiled(("static", "python bind"))


def test_the_same_import_passes_and_a_made_up_path_does_not():
    g = _g("go", GO, "Parse", CHECKED_GO)
    assert disagreements(CHECKED_GO.replace('"f47ac10b-58cc-4372-a567-0e02b2c3d479"', '"urn:uuid:x"'), g) == []
    wrong = CHECKED_GO.replace('"github.com/google/uuid"', '"github.com/google/uuid/internal"')
    assert import_problems(wrong, g)


def test_a_rust_function_imported_through_a_private_module_is_not_taken():
    g = _g("rust", RUST, "encode", "use hex::encode;\n\nfn main() {\n    println!(\"{}\", encode(\"hi\"));\n}\n")
    assert import_problems("use hex::encode;\nfn main() { encode(\"x\"); }\n", g) == []
    assert import_problems("fn main() { println!(\"{}\", hex::encode(\"x\")); }\n", g) == []  # a path call
    assert import_problems("use hex::private::encode;\nfn main() { encode(\"x\"); }\n", g)


def test_a_call_must_pass_as_many_arguments_as_the_block_takes():
    g = _g("go", GO, "Parse", CHECKED_GO)
    assert arity(g) == (1, 1)
    assert call_problems(CHECKED_GO, g) == []
    assert call_problems(CHECKED_GO.replace('d479")', 'd479", true)'), g)
    join = _g("go", GO, "Join")
    assert arity(join) == (1, None)
    assert call_problems('x := uuid.Join(",", "a", "b", "c")', join) == []
    assert call_problems("x := uuid.Join()", join)
    js = _g("javascript", "function pad(text, width = 2) {\n  return text;\n}\n", "pad")
    assert arity(js) == (1, 2) and call_problems("pad('a')", js) == [] and call_problems("pad('a', 1, 2)", js)
