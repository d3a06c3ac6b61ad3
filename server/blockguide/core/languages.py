"""What blockguide knows about each language: grammar, definitions, containers, comments.

One table, so adding a language is adding one entry. Each grammar is its own PyPI wheel
(tree-sitter-python, tree-sitter-typescript, ...: compiled in, nothing is downloaded), pinned in
pyproject.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import importlib
import os
import re
import threading
from pathlib import PurePath

from tree_sitter import Language as TSLanguage, Parser


@dataclass(frozen=True)
class Language:
    key: str  # our name, also the Markdown fence tag
    grammar: str  # "module:function" of the grammar's wheel, which returns its tree-sitter language
    language_ids: tuple[str, ...]  # LSP languageId values
    suffixes: tuple[str, ...]
    comment: str  # line-comment prefix
    functions: frozenset[str]  # node types that define a function or method
    classes: frozenset[str]  # node types that define a class-like type
    wrappers: frozenset[str] = frozenset()  # decorators, exports, templates around a definition
    containers: frozenset[str] = frozenset()  # node types whose children are statements
    fence: str = ""
    extra_definitions: frozenset[str] = field(default_factory=frozenset)  # e.g. `const f = () => {}`

    @property
    def fence_tag(self) -> str:
        return self.fence or self.key

    @property
    def definitions(self) -> frozenset[str]:
        return self.functions | self.classes | self.extra_definitions


_JS_FUNCS = frozenset(
    {"function_declaration", "generator_function_declaration", "method_definition", "function_expression",
     "arrow_function"}
)
_JS_CLASSES = frozenset({"class_declaration", "class"})
_JS_CONTAINERS = frozenset({"program", "statement_block", "class_body", "switch_body"})
_TS_CLASSES = _JS_CLASSES | {"abstract_class_declaration", "interface_declaration", "enum_declaration",
                             "type_alias_declaration"}
_TS_CONTAINERS = _JS_CONTAINERS | {"interface_body", "enum_body", "module"}
# a header's classes and functions often sit inside `#ifndef GUARD` / `#if ...` blocks: those hold them too
_C_CONTAINERS = frozenset({"translation_unit", "compound_statement", "field_declaration_list",
                           "declaration_list", "preproc_ifdef", "preproc_if", "preproc_else", "preproc_elif",
                           "preproc_elifdef"})

LANGUAGES: dict[str, Language] = {
    lang.key: lang
    for lang in [
        Language(
            key="python", grammar="tree_sitter_python:language", language_ids=("python",), suffixes=(".py", ".pyi"), comment="#",
            functions=frozenset({"function_definition"}), classes=frozenset({"class_definition"}),
            wrappers=frozenset({"decorated_definition"}),
            containers=frozenset({"module", "block"}),
        ),
        Language(
            key="javascript", grammar="tree_sitter_javascript:language", language_ids=("javascript", "javascriptreact"),
            suffixes=(".js", ".mjs", ".cjs", ".jsx"), comment="//", functions=_JS_FUNCS, classes=_JS_CLASSES,
            wrappers=frozenset({"export_statement"}), containers=_JS_CONTAINERS,
            extra_definitions=frozenset({"lexical_declaration", "variable_declaration"}),
        ),
        Language(
            key="typescript", grammar="tree_sitter_typescript:language_typescript", language_ids=("typescript",), suffixes=(".ts", ".mts", ".cts"),
            comment="//", functions=_JS_FUNCS | {"function_signature", "method_signature"}, classes=_TS_CLASSES,
            wrappers=frozenset({"export_statement"}), containers=_TS_CONTAINERS,
            extra_definitions=frozenset({"lexical_declaration", "variable_declaration"}),
        ),
        Language(
            key="tsx", grammar="tree_sitter_typescript:language_tsx", language_ids=("typescriptreact",), suffixes=(".tsx",), comment="//",
            functions=_JS_FUNCS | {"function_signature", "method_signature"}, classes=_TS_CLASSES,
            wrappers=frozenset({"export_statement"}), containers=_TS_CONTAINERS,
            extra_definitions=frozenset({"lexical_declaration", "variable_declaration"}),
        ),
        Language(
            key="go", grammar="tree_sitter_go:language", language_ids=("go",), suffixes=(".go",), comment="//",
            functions=frozenset({"function_declaration", "method_declaration", "func_literal"}),
            classes=frozenset({"type_declaration"}),
            containers=frozenset({"source_file", "block", "statement_list"}),
        ),
        Language(
            key="rust", grammar="tree_sitter_rust:language", language_ids=("rust",), suffixes=(".rs",), comment="//",
            functions=frozenset({"function_item"}),
            classes=frozenset({"struct_item", "enum_item", "trait_item", "impl_item", "mod_item", "union_item"}),
            containers=frozenset({"source_file", "block", "declaration_list"}),
        ),
        Language(
            key="java", grammar="tree_sitter_java:language", language_ids=("java",), suffixes=(".java",), comment="//",
            functions=frozenset({"method_declaration", "constructor_declaration"}),
            classes=frozenset({"class_declaration", "interface_declaration", "enum_declaration",
                               "record_declaration"}),
            containers=frozenset({"program", "block", "class_body", "interface_body", "enum_body",
                                  "enum_body_declarations",
                                  "constructor_body"}),
        ),
        Language(
            key="c", grammar="tree_sitter_c:language", language_ids=("c",), suffixes=(".c", ".h"), comment="//",
            functions=frozenset({"function_definition"}),
            classes=frozenset({"struct_specifier", "union_specifier", "enum_specifier"}),
            containers=_C_CONTAINERS,
        ),
        Language(
            key="cpp", grammar="tree_sitter_cpp:language", language_ids=("cpp", "cuda-cpp"),
            suffixes=(".cpp", ".cc", ".cxx", ".hpp", ".hh", ".hxx"), comment="//",
            functions=frozenset({"function_definition"}),
            classes=frozenset({"class_specifier", "struct_specifier", "union_specifier", "enum_specifier",
                               "namespace_definition"}),
            wrappers=frozenset({"template_declaration"}), containers=_C_CONTAINERS,
        ),
    ]
}

_BY_ID = {lid: lang for lang in LANGUAGES.values() for lid in lang.language_ids}
_BY_SUFFIX = {suffix: lang for lang in LANGUAGES.values() for suffix in lang.suffixes}



# The files that mark a project's root (core.project finds the root by them; a header is judged by the sources
# up to it).
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "package.json", "go.mod", "Cargo.toml", "pom.xml",
                "build.gradle", "CMakeLists.txt", ".git")

def for_language_id(language_id: str | None) -> Language | None:
    return _BY_ID.get(language_id or "")


def for_path(path: str) -> Language | None:
    return _BY_SUFFIX.get(PurePath(path).suffix.lower())


# --- C or C++: decided once, for the CLI, the language server and the batch runner --------------------------
_C_HEADER = ".h"
_CPP_SOURCES = (".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".ipp", ".tcc")
_COMMENTS_AND_STRINGS = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
_CPP_CODE = re.compile(
    r"^\s*(template\s*<|namespace\s+[\w:]*\s*\{|namespace\s*\{|using\s+namespace\b|using\s+\w+\s*=|"
    r"(public|private|protected)\s*:|class\s+(\w+\s+)?\w+\s*(final\s*)?[:{;]|class\s+\w+\s*$|"
    r"struct\s+(\w+\s+)?\w+\s*(final\s*)?:\s*(public|private|protected|virtual|\w+\s*\{))|"
    r"\b\w+::~?\w+|\b(constexpr|nullptr|noexcept|static_cast|dynamic_cast|reinterpret_cast|const_cast|"
    r"decltype|typename|virtual)\b|\boperator\s*(\(\)|[-+*/%^&|~!=<>\[]+)\s*\(|\bstd::", re.M)


HEADER_FOLDERS_UP = 2  # how far above a folder of headers alone its sources are looked for, outside a project
PROJECT_FOLDERS_UP = 6  # how far up a project's root is looked for (its sources are looked for up to it)
_LOCAL_INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+\.(?:h|hh|hpp|hxx))"', re.M)
MAX_INCLUDES_READ = 8  # the local headers a header includes that are read to tell C from C++
MAX_INCLUDE_BYTES = 1_000_000


def _holds_cpp(text: str) -> bool:
    code = _COMMENTS_AND_STRINGS.sub(" ", text)
    code = re.sub(r"#\s*if(def)?\s+[^\n]*__cplusplus.*?#\s*endif", " ", code, flags=re.S)  # C's extern "C" guard
    return _CPP_CODE.search(code) is not None


def header_is_cpp(path: str | os.PathLike, text: str | None = None) -> bool:
    """A `.h` file is C++ when it holds C++ (a class, a namespace, a template, `::`, an access specifier, a
    C++ keyword), when a header next to it that it includes holds C++, or when its folder's other sources are
    C++ (.cc/.cpp/.hpp ... and no .c); a folder with no sources of either (platform/*.h, include/lib/sub/*.h) is
    judged by the nearest folder above it that has some, up to the project's root."""
    if text is not None:
        if _holds_cpp(text):
            return True
        # a header that includes a C++ header next to it (`#include "error.h"`) is C++ too (one level)
        here = os.path.dirname(os.path.abspath(path)) or "."
        for name in _LOCAL_INCLUDE.findall(text)[:MAX_INCLUDES_READ]:
            included = os.path.normpath(os.path.join(here, name))
            try:
                if os.path.getsize(included) < MAX_INCLUDE_BYTES:
                    with open(included, encoding="utf-8", errors="replace") as f:
                        if _holds_cpp(f.read()):
                            return True
            except OSError:
                continue

    folders = [os.path.dirname(os.path.abspath(path)) or "."]
    while len(folders) <= PROJECT_FOLDERS_UP and os.path.dirname(folders[-1]) != folders[-1]:
        folders.append(os.path.dirname(folders[-1]))
    listed: list[list[str]] = []
    for folder in folders:
        try:
            listed.append(os.listdir(folder))
        except OSError:
            break
    # a folder of headers alone goes with the sources above it: up to the project's root when there is one
    # within reach (include/lib/sub/*.h), else HEADER_FOLDERS_UP folders
    root = next((i for i, names in enumerate(listed) if any(m in names for m in ROOT_MARKERS)), None)
    for names in listed[:(root if root is not None else HEADER_FOLDERS_UP) + 1]:
        cpp = sum(1 for n in names if n.lower().endswith(_CPP_SOURCES))
        c = sum(1 for n in names if n.lower().endswith(".c"))
        if cpp or c:
            return cpp > c
    return False


def for_file(path: str | os.PathLike, text: str | None = None, language_id: str | None = None) -> Language | None:
    """The language of a file: by its suffix, else by the editor's language id; a `.h` header is C or C++ by
    what it holds and where it is (`header_is_cpp`), whatever the editor says (VS Code calls every `.h` "c")."""
    name = os.fspath(path)
    if PurePath(name.split("?", 1)[0]).suffix.lower() == _C_HEADER:
        local = name[7:] if name.startswith("file://") else name
        from urllib.parse import unquote
        return LANGUAGES["cpp"] if header_is_cpp(unquote(local), text) else LANGUAGES["c"]
    return for_path(name) or for_language_id(language_id)


def supported_ids() -> list[str]:
    return sorted(_BY_ID)


_local = threading.local()


def parser_for(lang: Language):
    """This thread's tree-sitter parser for the language (parsers are not shared across threads).

    The only place grammars are loaded: each comes compiled in its own wheel (`Language.grammar` names the
    module and its function); nothing is downloaded.
    """
    parsers = _local.__dict__.setdefault("parsers", {})
    if lang.key not in parsers:
        parsers[lang.key] = Parser(grammar_of(lang))
    return parsers[lang.key]


_grammars: dict[str, TSLanguage] = {}
_grammars_lock = threading.Lock()


def grammar_of(lang: Language) -> TSLanguage:
    """The tree-sitter language of `lang`, loaded once per process from its grammar wheel."""
    with _grammars_lock:
        if lang.grammar not in _grammars:
            module, function = lang.grammar.split(":")
            _grammars[lang.grammar] = TSLanguage(getattr(importlib.import_module(module), function)())
        return _grammars[lang.grammar]
