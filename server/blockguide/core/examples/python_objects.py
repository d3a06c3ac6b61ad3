"""Objects of the user's own Python classes for a usage example, made the way the project makes them: a
parameter annotated with a class of the project (`tokenizer: Tokenizer`), or named like one where it has no
annotation, gets `Tokenizer(...)` through the class's own constructor, with the values the project's own
calls of it pass where they are literals or module constants (`rules=DEFAULT_RULES`), else values of its
parameters' types, recursively a few levels down; never `None`.

The classes are found by reading the project's files with `ast` (the module's own classes and the names it
imports from the project); the user's code is never imported or run."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from blockguide.core.project import python_module
from blockguide.core.python.signatures import Param, params_of


MAX_DEPTH = 3  # a constructor's argument made by a constructor, and so on: this many levels at most
MAX_IMPORT_HOPS = 3  # `from .a import T` where a.py imports T from b.py: followed this far

_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}
_DATACLASS_LIKE = {"NamedTuple", "TypedDict"}
_ABSTRACT_BASES = {"ABC", "Protocol", "ABCMeta"}


@dataclass
class Made:
    """An expression making an object, and the names it needs imported: (module, name) pairs."""

    code: str
    imports: list[tuple[str, str]] = field(default_factory=list)


class ProjectClasses:
    """The project's Python modules as `ast`, read once each, and its classes found by name from a module."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._trees: dict[Path, ast.Module | None] = {}

    def tree(self, path: Path) -> ast.Module | None:
        path = path.resolve()
        if path not in self._trees:
            try:
                self._trees[path] = ast.parse(path.read_text("utf-8", "replace"))
            except (OSError, SyntaxError, ValueError):
                self._trees[path] = None
        return self._trees[path]

    def find(self, name: str, path: Path, hops: int = 0) -> tuple[ast.ClassDef, Path] | None:
        """The class `name` means in the module at `path`: defined there, or imported there from the project."""
        tree = self.tree(path)
        if tree is None or hops > MAX_IMPORT_HOPS:
            return None
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return node, path
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        target = self.module_file(path, node.module, node.level)
                        if target is not None:
                            return self.find(alias.name, target, hops + 1)
        return None

    def read(self) -> list[Path]:
        """The files read so far: the block's module, the ones its names were followed through, the class's."""
        return list(self._trees)

    def module_file(self, path: Path, module: str | None, level: int) -> Path | None:
        """The file of the project a `from <module> import` in the file at `path` reads; None outside it."""
        parts = (module or "").split(".") if module else []
        if level:
            base = path.resolve().parent
            for _ in range(level - 1):
                base = base.parent
            bases = [base]
        else:
            top = path.resolve().parent
            while (top / "__init__.py").exists():
                top = top.parent
            bases = [top, self.root / "src", self.root]
        for base in bases:
            stem = base.joinpath(*parts) if parts else base
            for candidate in (stem.with_suffix(".py") if parts else None, stem / "__init__.py"):
                if candidate is not None and candidate.is_file():
                    return candidate
        return None

    def module_of(self, path: Path) -> str | None:
        return python_module(path, self.root)


def class_for(p: Param, classes: ProjectClasses, path: Path) -> tuple[ast.ClassDef, Path] | None:
    """The project class a parameter is of: its annotation's (`Tokenizer`, `"Tokenizer"`, `Optional[Tokenizer]`,
    `mod.Tokenizer`), else, without one, the class its name spells (`tokenizer` or `token_stream` ->
    `Tokenizer`, `TokenStream`)."""
    ann = (p.annotation or "").strip().strip("'\"")
    if ann:
        names = [n.rsplit(".", 1)[-1] for n in re.findall(r"[A-Za-z_][\w.]*", ann)
                 if n.rsplit(".", 1)[-1] not in ("Optional", "Union", "None", "typing", "t")]
        for name in names[:1] if len(names) == 1 or re.match(r"(typing\.)?(Optional|Union)\[", ann) or "|" in ann \
                else []:
            found = classes.find(name, path)
            if found is not None:
                return found
        return None
    spelled = "".join(part[:1].upper() + part[1:] for part in p.name.split("_") if part)
    return classes.find(spelled, path) if spelled else None


def make_object(cls: ast.ClassDef, path: Path, classes: ProjectClasses, guess: Callable[[Param], str],
                depth: int = 0) -> Made | None:
    """`Cls(args)` by the class's own constructor (an enum's first member; a class the example cannot make,
    abstract or built on a base outside the project, gives None)."""
    module = classes.module_of(path)
    if module is None or depth >= MAX_DEPTH:
        return None
    bases = {_base_name(b) for b in cls.bases}
    imports = [(module, cls.name)]
    if bases & _ENUM_BASES:
        member = next((t.id for s in cls.body if isinstance(s, ast.Assign) for t in s.targets
                       if isinstance(t, ast.Name) and not t.id.startswith("_")), None)
        return Made(f"{cls.name}.{member}", imports) if member else None
    if bases & _ABSTRACT_BASES or any(isinstance(k.value, ast.Name) and k.value.id == "ABCMeta"
                                      for k in cls.keywords):
        return None
    params = constructor_params(cls, path, classes)
    if params is None:
        return None
    calls = project_calls(cls.name, classes.read(), classes)
    args = []
    for p in params:
        if not p.required:
            continue
        value = calls.get(p.name)
        if value is not None:
            imports += value.imports
            made_value = value.code
        else:
            made_value = guess(p)
            if made_value == "None":
                found = class_for(p, classes, path)
                made = make_object(*found, classes, guess, depth + 1) if found is not None else None
                if made is None:
                    return None
                imports += made.imports
                made_value = made.code
        args.append(f"{p.name}={made_value}" if p.kind == "keyword" else made_value)
    return Made(f"{cls.name}({', '.join(args)})", imports)


def constructor_params(cls: ast.ClassDef, path: Path, classes: ProjectClasses, hops: int = 0) -> list[Param] | None:
    """The parameters the class is called with (without `self`): its `__init__`'s, a dataclass's or named
    tuple's fields, else its project base class's; [] for a class of no base; None when they come from a
    base outside the project (a constructor the example cannot see)."""
    init = next((n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and n.name == "__init__"), None)
    if init is not None:
        return params_of(init, drop_first=True)
    bases = [b for b in cls.bases if _base_name(b) not in ("object", "Generic")]
    if any("dataclass" in ast.unparse(d) or "attr" in ast.unparse(d) for d in cls.decorator_list) or \
            {_base_name(b) for b in bases} & _DATACLASS_LIKE:
        return [Param(s.target.id, "positional", ast.unparse(s.value) if s.value else None, ast.unparse(s.annotation))
                for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                and "ClassVar" not in ast.unparse(s.annotation)]
    if not bases:
        return []
    if len(bases) == 1 and hops < MAX_IMPORT_HOPS:
        found = classes.find(_base_name(bases[0]), path)
        if found is not None:
            return constructor_params(found[0], found[1], classes, hops + 1)
    return None


def project_calls(name: str, paths: list[Path], classes: ProjectClasses) -> dict[str, Made]:
    """Argument values the project's own calls of `name` (in these files) pass, by parameter name, where a
    reader can write them too: a literal, or a constant of that module (imported from it). Only keyword
    arguments name their parameter; positional ones are left to the types."""
    out: dict[str, Made] = {}
    for path in paths:
        tree = classes.tree(path)
        if tree is None:
            continue
        module = classes.module_of(path)
        constants = {t.id: module for s in tree.body if isinstance(s, (ast.Assign, ast.AnnAssign))
                     for t in (s.targets if isinstance(s, ast.Assign) else [s.target]) if isinstance(t, ast.Name)}
        for s in tree.body:  # a constant the module imports from the project: imported from where it is defined
            if isinstance(s, ast.ImportFrom):
                target = classes.module_file(path, s.module, s.level)
                for alias in s.names if target is not None else []:
                    constants[alias.asname or alias.name] = classes.module_of(target) if not alias.asname else module
        constants = {k: v for k, v in constants.items() if v and re.fullmatch(r"[A-Z][A-Z0-9_]*", k)}
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == name):
                continue
            for k in call.keywords:
                if k.arg is None or k.arg in out:
                    continue
                if isinstance(k.value, ast.Name) and k.value.id in constants:
                    out[k.arg] = Made(k.value.id, [(constants[k.value.id], k.value.id)])
                elif _literal(k.value):
                    out[k.arg] = Made(ast.unparse(k.value))
    return out


def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return not (isinstance(node, ast.Constant) and node.value is None)


def _base_name(node: ast.AST) -> str:
    node = node.value if isinstance(node, ast.Subscript) else node
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
