"""Usage examples blockguide writes itself: adapted from a real call site, or built from the signature.

Used as the model's starting point (the prompt shows it), as the fallback when the model's example fails its
checks, and by the guide built without a model. `attach` runs after grounding; the checker is passed in
(core.checks.check_example), so examples never import the checks. The user's code is only read (ast,
tree-sitter), never imported or run.
"""

from __future__ import annotations


import logging
from pathlib import Path
from typing import Callable

from blockguide.core.examples.c import c_example, cpp_example
from blockguide.core.examples.generic import generic_params
from blockguide.core.examples.go import go_example
from blockguide.core.examples.java import java_example
from blockguide.core.examples.js import callee_in, js_example
from blockguide.core.examples.literals import fill_values, jsdoc_types, leading_comment
from blockguide.core.examples.python import python_from_signature, rebind_python
from blockguide.core.examples.python_sites import adapt_python_site
from blockguide.core.examples.rust import rust_example
from blockguide.core.examples.usage import CALLABLE, by_use, param_use
from blockguide.core.grounding import ground
from blockguide.core.languages import LANGUAGES
from blockguide.core.python.jedi_session import JEDI_LOCK
from blockguide.core.python.signatures import python_info
from blockguide.core.syntax.blocks import definition_around
from blockguide.core.syntax.nodes import assigned_function, block_nodes, definition_node, text_of, unwrap
from blockguide.core.syntax.source import Source
from blockguide.core.types import Block, Example, Grounding


MAX_SITES_TRIED = 6


# The example checker, passed in by the caller (examples never import the checks).
Check = Callable[[Example, Grounding], list[str]]


log = logging.getLogger(__name__)


def attach(g: Grounding, src: Source, path: Path | None, root: Path | None, check: Check) -> None:
    """Build the usage example blockguide would write itself (adapted from a call site, else from the
    signature) and set it on the grounding: `g.example` and `g.example_source`. Run after grounding."""
    try:
        with JEDI_LOCK:
            built = build(g, src, path, root, check)
    except Exception as exc:
        log.warning("could not build an example for %s: %s", path, exc, exc_info=True)
        return
    if built is None:
        return
    g.example, g.example_source = built
    try:  # the signature's example is the only one: what the checks (and the toolchain) say goes with it
        problems = check(g.example, g)
        if problems and g.block.language == "python" and g.example_source is None:
            problems = _rebound(g, root, check, problems)
        elif problems and g.example_source is None and g.block.kind != "statements" and not g.example_via:
            problems = _by_type_only(g, src, check, problems)
    except Exception as exc:
        log.warning("could not check the example for %s: %s", path, exc, exc_info=True)
        return
    g.example_checks = tuple(getattr(problems, "checks", ("static",)))
    g.example_problems = tuple(problems)


def _rebound(g: Grounding, root: Path | None, check: Check, problems: list[str]) -> list[str]:
    """A Python example from the signature whose calls do not bind to what they call (a constructor inherited
    from a base class, a method jedi follows to another signature): rewritten to fit, kept when it passes."""
    with JEDI_LOCK:
        fixed = rebind_python(g.example.code, Path(root) if root is not None else None)
    if fixed is None:
        return problems
    example = Example(g.example.language, fixed)
    again = check(example, g)
    if again:
        return problems
    g.example = example
    return again


def _by_type_only(g: Grounding, src: Source, check: Check, problems: list[str]) -> list[str]:
    """A signature example the checks reject (a value the block's text gave that is not of the parameter's
    type, an object of the project made wrong): the next sources of arguments, in order — the types alone,
    then (TypeScript) without the project's objects, then both; the first that passes is kept, so no
    rejected example ships where one that passes exists."""
    again = _next_source(g, src, check, g, g.example)
    if again is None:
        return problems
    g.example = again
    return []


def _next_source(made_for: Grounding, src: Source, check: Check, checked_as: Grounding, first: Example,
                 prefix: str = "") -> Example | None:
    """The first example from the next sources of arguments (`_NEXT_SOURCES`) of `made_for`'s block that the
    checks pass for `checked_as` (the block itself, or statements shown through their function: `prefix`
    the line saying so), else None."""
    tried = {first.code}
    for from_text, objects in _NEXT_SOURCES:
        if not objects and made_for.block.language not in ("typescript", "tsx"):
            continue  # only TypeScript's examples make the project's objects
        again = generic_from_signature(made_for, src, from_text=from_text, objects=objects)
        if again is None or prefix + again.code in tried:
            continue
        again = Example(again.language, prefix + again.code)
        tried.add(again.code)
        if not check(again, checked_as):
            return again
    return None


# (the block's text, the project's objects) of the next sources of arguments, after both
_NEXT_SOURCES = ((False, True), (True, False), (False, False))


def build(g: Grounding, src: Source, path: Path | None, root: Path | None,
          check: Check) -> tuple[Example, str | None] | None:
    """(example, "path:line" of the call site it came from, or None when built from the signature).

    `check` answers an example's problems (core.checks.check_example): a call site's adaptation is used
    only when it passes.
    """
    block = g.block
    local = local_function(src, block)
    if (block.kind == "statements" and block.indent) or local:
        inner = _enclosing_grounding(g, src, path, root)
        if inner is not None:
            built = build(inner, src, path, root, check)
            if built is not None:
                g.example_guessed = inner.example_guessed
                if g.import_line is None:  # the statements are used through their function: its import
                    g.import_line, g.module = inner.import_line, g.module or inner.module
                g.needs_features = g.needs_features or inner.needs_features
                g.example_via = inner.example_via or inner.block.name  # the function the example calls
                g.notes.append(via_note(g))  # for the model
                said = ""
                if local:  # the reader sees in the example itself why it calls another function
                    called = param_use(block.name, inner.block.text) == CALLABLE  # its definition is no call
                    how = f"calling `{inner.block.name}` runs it" if called else \
                        f"`{inner.block.name}` makes it, but does not call it"
                    said = f"{LANGUAGES[block.language].comment} `{block.name}` is defined inside " \
                           f"`{inner.block.name}`: {how}.\n"
                example = Example(built[0].language, said + built[0].code)
                if built[1] is None and block.language in ("typescript", "tsx") and not inner.example_via and \
                        inner.block.kind != "statements" and check(example, g):
                    # the function's signature example fails for these statements too: its next sources
                    example = _next_source(inner, src, check, g, example, said) or example
                return example, built[1]
    if block.language == "python":
        info = python_info(g, src)
        best: tuple[int, Example, str] | None = None
        confirmed = [site for site in g.call_sites if site.confirmed]  # a name match alone may be another call
        for site in confirmed[:MAX_SITES_TRIED] if root is not None else []:
            adapted = adapt_python_site(site, root, g, info)
            if adapted is None:
                continue
            example, kept = adapted
            # the site whose real arguments survive best (tests and examples come first on a tie)
            if (best is None or kept > best[0]) and not check(example, g):
                best = (kept, example, f"{site.path}:{site.line + 1}")
        if best is not None and (best[0] > 0 or not info.params):  # a site none of whose values survive
            return best[1], best[2]                                   # is no better than the signature's
        made = python_from_signature(g, info)
        if made.code != (plain := python_from_signature(g, info, objects=False)).code and check(made, g) and \
                not check(plain, g):
            return plain, None  # the project's objects made it fail its checks: the values it had before
        return made, None
    made = generic_from_signature(g, src)
    return (made, None) if made is not None else None


def local_function(src: Source, block: Block) -> bool:
    """A function defined in another function's body (a closure, a helper it returns or passes on): no code
    outside reaches it by its name, so its example is its enclosing function's. A function assigned to an
    object's property (`obj.send = function ...`) is reached through the object, and is not one."""
    if block.kind != "function" or not block.indent:
        return False
    around = definition_around(src, block)
    if around is None or around.kind == "class":
        return False
    nodes = block_nodes(src, block)
    assigned = next((a for a in (assigned_function(src.lang, n) for n in (nodes[0], unwrap(nodes[0]))) if a),
                    None) if len(nodes) == 1 else None
    if assigned is not None:  # reached through its object, unless that object is the function's own
        return _declared_in(_root_name(assigned[0].child_by_field_name("object")), definition_node(src, around))
    return True


def _root_name(node) -> str:
    """The variable an object expression starts from (`column` for `column.meta.x`)."""
    while node is not None and node.type == "member_expression":
        node = node.child_by_field_name("object")
    return text_of(node) if node is not None and node.type == "identifier" else ""


def _declared_in(name: str, function) -> bool:
    """`name` is a parameter of `function`, or a variable declared in its body (an object the caller never
    reaches but through the function)."""
    if not name or function is None:
        return False
    params = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    stack = [params] if params is not None else []
    while stack:  # the names the parameters bind (not their types nor their defaults)
        n = stack.pop()
        if n.type in ("identifier", "shorthand_property_identifier_pattern") and text_of(n) == name:
            return True
        stack.extend(c for c in n.named_children if c.type not in ("type_annotation",) and
                     c != n.child_by_field_name("value"))
    stack = [function.child_by_field_name("body")]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        if n.type == "variable_declarator" and text_of(n.child_by_field_name("name")) == name:
            return True
        stack.extend(c for c in n.named_children if c.type not in ("function_declaration", "class_declaration"))
    return False


def via_note(g: Grounding) -> str:
    """Why the example calls another function than the block (`g.example_via`)."""
    if g.block.kind == "statements":
        return f"These statements run inside `{g.inside or g.example_via}`: a usage example calls `{g.example_via}`."
    scope = (g.block.name or "").rsplit("::", 1)[0] if "::" in (g.block.name or "") else g.owner
    if g.block.kind == "method" and scope and g.example_via.startswith(f"{scope}::"):  # examples.c._method
        return f"`{g.block.name}` is not public: a usage example calls `{g.example_via}`, which calls it."
    return f"`{g.block.name}` is defined inside `{g.example_via}`: a usage example calls `{g.example_via}`."


def _enclosing_grounding(g: Grounding, src: Source, path: Path | None, root: Path | None) -> Grounding | None:
    """The function around a selection of statements (what a caller runs to reach them), grounded as if it
    were documented itself: its import, its owner, the places that call it (a real call gives the example
    real arguments)."""
    enc = definition_around(src, g.block)
    if enc is None or enc.kind == "class":
        return None
    return ground(enc, src, path, root, MAX_SITES_TRIED)


def generic_from_signature(g: Grounding, src: Source, from_text: bool = True, objects: bool = True) -> Example | None:
    """The example from the signature: values the block's text gives (its doc example, regexes, compared
    literals, the use of a parameter) before the type's; `from_text=False`: the types' values alone;
    `objects=False`: without objects of the project's own types (JavaScript and TypeScript)."""
    block = g.block
    lang = LANGUAGES[block.language]
    if not block.name:
        return Example(lang.fence_tag, block.text.strip("\n"))
    node = definition_node(src, block)
    params = generic_params(node if node is not None and node.type in lang.functions else None)
    if block.language == "javascript":
        jsdoc_types(params, leading_comment(src, node))
    if from_text:
        fill_values(params, block.name, block.text, leading_comment(src, node))
        callee = callee_in(src) if block.language in ("javascript", "typescript", "tsx") else None
        params = by_use(block.language, params, block.text, callee)
    # a method's or class's object is made with guessed constructor arguments; a function's values are guesses
    # only where the block's text gave none
    g.example_guessed = block.kind in ("class", "method") or any(p.value is None for p in params)
    maker = {"javascript": js_example, "typescript": js_example, "tsx": js_example, "go": go_example,
             "rust": rust_example, "java": java_example, "c": c_example, "cpp": cpp_example}.get(block.language)
    if maker is js_example and not objects:
        code = js_example(g, src, node, params, objects=False)
    else:
        code = maker(g, src, node, params) if maker else None
    return Example(lang.fence_tag, code) if code else None
