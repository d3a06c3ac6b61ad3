"""A selection's inputs (names it reads that are bound before it) and outputs (names it binds that are read
after it), worked out from the syntax tree for every language, and the binding/read helpers behind it."""

from __future__ import annotations

from tree_sitter import Node

from blockguide.core.syntax.nodes import NESTED_FUNCTIONS, block_nodes, text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Block


# --- inputs and outputs of a selection ---------------------------------------------------------------------
# Where an identifier is bound: (parent node type, field of the child). Patterns in between are looked through.
_BINDING_FIELDS = {
    ("assignment", "left"), ("augmented_assignment", "left"), ("for_statement", "left"),
    ("for_in_clause", "left"), ("named_expression", "name"), ("as_pattern_target", None),
    ("function_definition", "name"), ("class_definition", "name"), ("parameters", None),
    ("lambda_parameters", None), ("default_parameter", "name"), ("typed_default_parameter", "name"),
    ("typed_parameter", None), ("aliased_import", "alias"), ("except_clause", None),
    ("variable_declarator", "name"), ("assignment_expression", "left"), ("augmented_assignment_expression", "left"),
    ("for_in_statement", "left"), ("formal_parameters", None), ("required_parameter", "pattern"),
    ("optional_parameter", "pattern"), ("catch_clause", "parameter"), ("function_declaration", "name"),
    ("generator_function_declaration", "name"), ("class_declaration", "name"), ("import_specifier", "name"),
    ("import_specifier", "alias"), ("import_clause", None), ("namespace_import", None),
    ("short_var_declaration", "left"), ("assignment_statement", "left"), ("var_spec", "name"),
    ("const_spec", "name"), ("range_clause", "left"), ("parameter_declaration", "name"),
    ("let_declaration", "pattern"), ("parameter", "pattern"), ("for_expression", "pattern"),
    ("closure_parameters", None), ("let_condition", "pattern"), ("function_item", "name"),
    ("formal_parameter", "name"), ("catch_formal_parameter", "name"), ("enhanced_for_statement", "name"),
    ("resource", "name"), ("inferred_parameters", None), ("lambda_expression", "parameters"),
    ("init_declarator", "declarator"), ("declaration", "declarator"), ("parameter_declaration", "declarator"),
    ("for_range_loop", "declarator"), ("function_declarator", "declarator"),
}


_PATTERNS = {"pattern_list", "tuple_pattern", "list_pattern", "expression_list", "pointer_declarator",
             "reference_declarator", "array_declarator", "object_pattern", "array_pattern", "rest_pattern",
             "assignment_pattern", "pair_pattern", "list_splat_pattern", "dictionary_splat_pattern",
             "tuple_struct_pattern", "struct_pattern", "field_pattern", "ref_pattern", "mut_pattern",
             "reference_pattern", "tuple", "list", "parenthesized_expression", "object_assignment_pattern",
             "as_pattern", "with_item", "with_clause", "pattern", "identifier_list", "inferred_parameters",
             "typed_parameter", "default_parameter", "typed_default_parameter"}


_IDENTIFIERS = {"identifier", "shorthand_property_identifier_pattern", "shorthand_property_identifier"}


# identifiers that name an attribute, a keyword argument or a package path, not a variable
_NOT_VARIABLES = {("attribute", "attribute"), ("keyword_argument", "name"), ("method_invocation", "name"),
                  ("field_access", "field"), ("scoped_identifier", "name"), ("macro_invocation", "macro"),
                  ("scoped_identifier", "path"), ("dotted_name", None), ("labeled_statement", "label"),
                  ("package_clause", None), ("qualified_identifier", "name"), ("method_declaration", "name"),
                  ("constructor_declaration", "name"), ("method_definition", "name")}


def _binding_kind(node: Node) -> str | None:
    """'var', 'def' or 'import' when the identifier is bound here; None when it is read."""
    child, parent = node, node.parent
    while parent is not None and parent.type in _PATTERNS:
        if parent.type in ("pair_pattern",) and parent.child_by_field_name("key") == child:
            return None
        if parent.type == "as_pattern" and parent.named_children and parent.named_children[0] == child:
            return None  # `open(p) as f`: the value is read
        if parent.type in ("typed_parameter", "typed_default_parameter", "default_parameter") and \
                child != parent.named_children[0] and parent.child_by_field_name("name") != child:
            return None  # a parameter's type or default
        if parent.type == "assignment_pattern" and parent.child_by_field_name("right") == child:
            return None
        child, parent = parent, parent.parent
    if parent is None:
        return None
    field = None
    for i in range(parent.child_count):
        if parent.children[i] == child:
            field = parent.field_name_for_child(i)
            break
    if (parent.type, field) not in _BINDING_FIELDS and (parent.type, None) not in _BINDING_FIELDS:
        return None
    if parent.type in ("except_clause",) and child.type == "identifier" and field is None:
        # `except E as e`: only the name after `as` binds (older grammars put both under the clause)
        prev = child.prev_sibling
        return "var" if prev is not None and prev.type == "as" else None
    if parent.type in ("function_definition", "class_definition", "function_declaration", "class_declaration",
                       "generator_function_declaration", "function_item", "function_declarator"):
        return "def"
    if "import" in parent.type:
        return "import"
    if parent.type in ("declaration", "init_declarator") and child.type == "function_declarator":
        return "def"
    return "var"


def bindings_in(src: Source, root: Node, include_nested: bool = True, skip: Node | None = None):
    """(name, kind, node) for every identifier bound under root."""
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        if skip is not None and node.id == skip.id:
            continue
        if node.type in _IDENTIFIERS:
            kind = _binding_kind(node)
            if kind is not None:
                out.append((text_of(node), kind, node))
            continue
        if node.type in ("import_statement", "import_from_statement", "import_declaration"):
            for ident in _descendants(node, _IDENTIFIERS):
                if ident.parent is not None and ident.parent.type in ("dotted_name",) and \
                        ident.parent.parent is not None and ident.parent.parent.type == "aliased_import":
                    continue
                if ident.parent is not None and ident.parent.type == "dotted_name":
                    # `import a.b` binds `a`; `from m import x` binds `x`
                    dotted = ident.parent
                    if dotted.named_children[0] != ident or (node.type == "import_from_statement" and
                                                             dotted == node.child_by_field_name("module_name")):
                        continue
                out.append((text_of(ident), "import", ident))
            continue
        if not include_nested and node is not root and (node.type in src.lang.functions or
                                                        node.type in NESTED_FUNCTIONS):
            if node.type in src.lang.functions:
                name = node.child_by_field_name("name")
                if name is not None:
                    out.append((text_of(name), "def", name))
            continue
        stack.extend(reversed(node.children))
    return sorted(out, key=lambda t: t[2].start_byte)


def _descendants(node: Node, types: set[str]):
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in types:
            yield n
        stack.extend(n.children)


def _reads_in(src: Source, root: Node, start_byte: int = 0, end_byte: int | None = None):
    """(name, node) for identifiers read (not bound, not attribute names) under root within the byte range."""
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.end_byte <= start_byte or (end_byte is not None and node.start_byte >= end_byte):
            continue
        if node.type in ("import_statement", "import_from_statement", "import_declaration", "use_declaration",
                         "package_declaration", "package_clause"):
            continue
        if node.type in _IDENTIFIERS:
            if node.start_byte >= start_byte and (end_byte is None or node.end_byte <= end_byte) and \
                    _binding_kind(node) is None and not _attribute_name(node):
                out.append((text_of(node), node))
            continue
        stack.extend(reversed(node.children))
    return out


def _attribute_name(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    for i in range(parent.child_count):
        if parent.children[i] == node:
            field = parent.field_name_for_child(i)
            return (parent.type, field) in _NOT_VARIABLES or (parent.type, None) in _NOT_VARIABLES
    return False


def _scope_of(src: Source, node: Node) -> Node:
    parent = node.parent
    while parent is not None:
        if parent.type in src.lang.functions or parent.type in NESTED_FUNCTIONS:
            return parent
        parent = parent.parent
    return src.tree.root_node


def dataflow(src: Source, block: Block) -> tuple[list[str], list[str]]:
    """A selection's inputs (names read in it and bound before it) and outputs (names bound in it, read after).

    Names bound by imports and definitions outside the block are not inputs: they are the names it *uses*,
    which the symbol analysis reports. Module-level variables count as inputs.
    """
    nodes = block_nodes(src, block)
    if not nodes:
        return [], []
    scope = _scope_of(src, nodes[0])
    start, end = nodes[0].start_byte, nodes[-1].end_byte
    inside_bound: dict[str, int] = {}
    for node in nodes:
        for name, kind, ident in bindings_in(src, node):
            inside_bound.setdefault(name, ident.start_byte)
    outside: dict[str, str] = {}
    for name, kind, ident in bindings_in(src, scope, include_nested=False):
        if not start <= ident.start_byte < end:
            outside.setdefault(name, kind) if kind == "var" else outside.setdefault(name, kind)
    if scope is not src.tree.root_node:  # module-level variables are read from inside functions too
        for name, kind, ident in bindings_in(src, src.tree.root_node, include_nested=False):
            if kind == "var" and not start <= ident.start_byte < end:
                outside.setdefault(name, "module")
    inputs: list[str] = []
    for name, ident in _reads_in(src, scope, start, end):
        if name in inputs or outside.get(name) not in ("var", "module"):
            continue
        first_bind = inside_bound.get(name)
        if first_bind is None or first_bind > ident.start_byte or _same_statement_rhs(ident, first_bind):
            inputs.append(name)
    # locals of the enclosing function first, then module-level variables
    inputs.sort(key=lambda n: outside.get(n) == "module")
    # outputs: names the selection binds in its own scope (not in a function it defines, not a loop's own
    # variable) that the code after it reads before binding them again
    own: list[str] = []
    for node in nodes:
        for name, kind, ident in bindings_in(src, node, include_nested=False):
            if kind == "var" and not _loop_variable(ident) and _scope_of(src, ident) == scope and name not in own:
                own.append(name)
    first_after: dict[str, str] = {}
    events = [(ident.start_byte, name, "read") for name, ident in _reads_in(src, scope, end, None)]
    events += [(ident.start_byte, name, "bind") for name, kind, ident in bindings_in(src, scope, include_nested=False)
               if ident.start_byte >= end and not _same_statement_rhs_bind(ident)]
    for _, name, what in sorted(events):
        first_after.setdefault(name, what)
    outputs = [name for name in own if first_after.get(name) == "read"]
    return inputs, outputs


_LOOPS = {"for_statement", "for_in_statement", "enhanced_for_statement", "for_range_loop", "for_expression",
          "range_clause", "for_in_clause"}


def _loop_variable(ident: Node) -> bool:
    """An identifier bound as a `for` loop's own variable (`for (let i = 0; ...)`, `for x in xs`, `for _, v :=
    range m`, `for (int i ...)`): it belongs to the loop, never to the code after it."""
    node = ident.parent
    while node is not None and node.type not in _LOOPS:
        if node.type in ("block", "statement_block", "compound_statement", "expression_statement") or \
                node.type in NESTED_FUNCTIONS:
            return False
        node = node.parent
    if node is None:
        return False
    body = node.child_by_field_name("body")
    return body is None or not (body.start_byte <= ident.start_byte < body.end_byte)


def _same_statement_rhs_bind(ident: Node) -> bool:
    """A binding the same statement reads first (`x = x + 1`, `x += 1`): the read comes first for the order."""
    node = ident.parent
    while node is not None and node.type in _PATTERNS:
        node = node.parent
    return node is not None and node.type in ("augmented_assignment", "augmented_assignment_expression",
                                              "compound_assignment_expr")


def _same_statement_rhs(ident: Node, first_bind: int) -> bool:
    """`x = x + 1`: the read on the right runs before the binding on the left."""
    node = ident
    while node.parent is not None and node.parent.type not in ("block", "statement_block", "module", "program",
                                                               "statement_list", "compound_statement"):
        node = node.parent
    if node.type in _COMPOUND:
        return False  # a loop's variable read in its condition is bound before it, by the loop
    return node.start_byte <= first_bind < node.end_byte and ident.start_byte > first_bind


_COMPOUND = _LOOPS | {"if_statement", "while_statement", "do_statement", "try_statement", "with_statement",
                      "switch_statement", "match_statement", "if_expression", "while_expression",
                      "loop_expression", "expression_switch_statement", "type_switch_statement"}
