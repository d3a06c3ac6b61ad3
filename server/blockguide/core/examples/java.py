"""The usage example of a Java block, built from its signature and the project's classes (java_model): what a
Java reader would write to reach the block from their own code.

- an object is made the way the project allows: an enum's constant, a public constructor, a concrete subclass
  the project has (or an anonymous one) of an abstract class or interface, a static factory of a class whose
  constructors are private; a utility class (private constructors only) is used through its static members;
- a private method is reached through the method of its class that calls it; a protected one through a
  subclass the example declares (`Example extends Owner`); a member or class visible only in its package gets
  an example that lives in that package (`package x.y;`);
- arguments are values of their parameters' exact types (a JDK object, the project's object, a lambda for a
  functional interface), cast to the parameter's type where overloads of the same arity would make a call
  ambiguous.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from tree_sitter import Node

from blockguide.core.examples.generic import GenericParam, class_node_of, constructor_params, guess, guessed_args
from blockguide.core.examples.java_model import (
    CLASSES, JAVA_LANG, JavaClass, Member, Project, class_around, java_class, modifiers, params_of, supertypes,
    top_class_named, type_params)
from blockguide.core.syntax.nodes import text_of
from blockguide.core.syntax.source import Source
from blockguide.core.types import Grounding

log = logging.getLogger(__name__)

MAX_DEPTH = 2  # objects made to be arguments of the objects made to be arguments ...
MAX_SUPERTYPES = 3  # levels of classes and interfaces above a class whose abstract methods an example writes
MAX_CALLER_HOPS = 3  # private methods called by private methods ... before a non-private one

# JDK types an argument can be made of without the project
_JDK_VALUES = {
    "File": 'new java.io.File("example.txt")',
    "Path": 'java.nio.file.Path.of("example.txt")',
    "InputStream": 'new java.io.ByteArrayInputStream("example".getBytes())',
    "ByteArrayInputStream": 'new java.io.ByteArrayInputStream("example".getBytes())',
    "OutputStream": "new java.io.ByteArrayOutputStream()",
    "ByteArrayOutputStream": "new java.io.ByteArrayOutputStream()",
    "Reader": 'new java.io.StringReader("example")',
    "StringReader": 'new java.io.StringReader("example")',
    "Writer": "new java.io.StringWriter()",
    "StringWriter": "new java.io.StringWriter()",
    "Charset": "java.nio.charset.StandardCharsets.UTF_8",
    "byte[]": '"example".getBytes(java.nio.charset.StandardCharsets.UTF_8)',
    "byte...": '"example".getBytes(java.nio.charset.StandardCharsets.UTF_8)',
    "Locale": "java.util.Locale.ROOT",
    "Pattern": 'java.util.regex.Pattern.compile("ex.*")',
    "StringBuilder": 'new StringBuilder("example")',
    "StringBuffer": 'new StringBuffer("example")',
    "Appendable": "new StringBuilder()",
    "BigInteger": "java.math.BigInteger.TEN",
    "BigDecimal": "java.math.BigDecimal.ONE",
    "Duration": "java.time.Duration.ofSeconds(1)",
    "Instant": "java.time.Instant.EPOCH",
    "Date": "new java.util.Date(0)",
    "URI": 'java.net.URI.create("https://example.com")',
    "URL": 'java.net.URI.create("https://example.com").toURL()',
    "Class": "String.class",
    "Random": "new java.util.Random(42)",
    "Object[]": 'new Object[] {"a", "b"}',
    "Object...": 'new Object[] {"a", "b"}',
    "Runnable": '() -> System.out.println("run")',
    "Callable": '() -> "example"',
    "Supplier": '() -> "example"',
    "Function": "x -> x",
    "UnaryOperator": "x -> x",
    "BiFunction": "(a, b) -> a",
    "BinaryOperator": "(a, b) -> a",
    "Predicate": "x -> true",
    "BiPredicate": "(a, b) -> true",
    "Consumer": "x -> System.out.println(x)",
    "BiConsumer": '(a, b) -> System.out.println(a + "=" + b)',
    "Comparator": "java.util.Comparator.comparing(String::valueOf)",
    "Queue": 'new java.util.ArrayDeque<>(java.util.List.of("a", "b"))',
    "Deque": 'new java.util.ArrayDeque<>(java.util.List.of("a", "b"))',
    "SortedMap": "new java.util.TreeMap<>()",
    "NavigableMap": "new java.util.TreeMap<>()",
    "SortedSet": "new java.util.TreeSet<>()",
    "NavigableSet": "new java.util.TreeSet<>()",
    "Enumeration": 'java.util.Collections.enumeration(java.util.List.of("a", "b"))',
    "ByteBuffer": 'java.nio.ByteBuffer.wrap("example".getBytes())',
    "CharBuffer": 'java.nio.CharBuffer.wrap("example")',
    "Thread": 'new Thread(() -> System.out.println("run"))',
    "Spliterator": 'java.util.List.of("a", "b").spliterator()',
    "Stream": 'java.util.stream.Stream.of("a", "b")',
    "Optional": 'java.util.Optional.of("example")',
    "Properties": "new java.util.Properties()",
    "BitSet": "new java.util.BitSet()",
    "ObjectOutputStream": "new java.io.ObjectOutputStream(new java.io.ByteArrayOutputStream())",
    "PrintStream": "System.out",
    "PrintWriter": "new java.io.PrintWriter(System.out)",
    "LocalDate": "java.time.LocalDate.of(2024, 1, 31)",
    "LocalDateTime": "java.time.LocalDateTime.of(2024, 1, 31, 12, 0)",
    "ZoneId": 'java.time.ZoneId.of("UTC")',
    "TimeZone": 'java.util.TimeZone.getTimeZone("UTC")',
    "TimeUnit": "java.util.concurrent.TimeUnit.SECONDS",
    "FileTime": "java.nio.file.attribute.FileTime.fromMillis(0)",
    "MessageDigest": 'java.security.MessageDigest.getInstance("SHA-256")',
    "Throwable": 'new RuntimeException("example")',
    "Exception": 'new RuntimeException("example")',
    "IOException": 'new java.io.IOException("example")',
}
_NUMERIC = frozenset({"int", "long", "short", "byte", "double", "float", "char"})


def _raw(type_text: str) -> str:
    return re.sub(r"<.*>", "", re.sub(r"@\w+(\([^)]*\))?\s*|\bfinal\s+", "", type_text)).strip()


def _default_return(returns: str) -> str:
    if returns == "void":
        return "{ }"
    if returns == "boolean":
        return "{ return false; }"
    if returns in _NUMERIC:
        return "{ return 0; }"
    return "{ return null; }"


class _Builder:
    def __init__(self, g: Grounding, src: Source):
        self.g = g
        path = Path(g.root) / g.path if g.root and g.path else None
        self.project = Project.of(path, src.text)
        self.src = src
        self.same_package = False
        self.imports: set[str] = set()
        self.unknown_abstract = False  # a class above the one being subclassed is the JDK's
        self.allow_null = False  # the second attempt: an object made with a null where nothing better is known

    # --- names ----------------------------------------------------------------------------------------------
    def ref(self, cls: JavaClass, package: str | None) -> str:
        """How the example names a class of the project (its import added where it needs one)."""
        top = cls.path.split(".")[0]
        if package and not (self.same_package and package == self.project.package):
            line = f"import {package}.{top};"
            if line != self.g.import_line:
                self.imports.add(line)
        return cls.path

    def type_name(self, type_text: str, where: Project | None = None) -> str | None:
        """A parameter's raw type as the example can write it (imported where it needs one), None when its
        origin is not known. `where`: the file the type is written in (default the block's)."""
        raw = _raw(type_text).replace("...", "[]")
        base = raw.split("[")[0]
        first = base.split(".")[0]
        if base in _NUMERIC or base in ("boolean", "void") or first in JAVA_LANG:
            return raw
        nested = top_class_named(self.src, first) if where is None or where is self.project else None
        if nested is not None:  # a class of the block's file (nested ones are written Outer.Inner)
            return self.ref(java_class(nested), self.project.package) + raw[len(first):]
        q = (where or self.project).qualified(first)
        if q is None:
            return None
        package = q.rsplit(".", 1)[0]
        if not (self.same_package and package == self.project.package):
            self.imports.add(f"import {q};")
        return raw

    # --- values ---------------------------------------------------------------------------------------------
    def value(self, type_text: str, name: str, depth: int, type_vars: dict[str, str]) -> str:
        t = re.sub(r"@\w+(\([^)]*\))?\s*|\bfinal\s+", "", type_text).strip()
        raw = _raw(t)
        found = guess("java", GenericParam(name, t))
        if found != "null":
            return found
        if raw in type_vars:
            bound = type_vars[raw]
            return self.value(bound, name, depth, {}) if bound else '"example"'
        if raw in ("Iterator", "ListIterator"):
            strings = "<" not in t or "<String>" in t.replace(" ", "")
            return 'java.util.List.of("a", "b").iterator()' if strings else "java.util.Collections.emptyIterator()"
        if raw in _JDK_VALUES:
            return _JDK_VALUES[raw]
        if raw.endswith(("[]", "...")):
            inner = raw.rstrip(".[]")
            if inner in type_vars or inner == "Object":
                return 'new Object[] {"a", "b"}'
            return "null"
        made = self.project_value(raw, depth)
        return made if made is not None else "null"

    def project_value(self, raw: str, depth: int) -> str | None:
        """An object of a class of the project, made as its example would make it."""
        if depth >= MAX_DEPTH or not re.fullmatch(r"[A-Z][\w.]*", raw):
            return None
        first = raw.split(".")[0]
        local = top_class_named(self.src, raw.rsplit(".", 1)[-1])
        if local is not None:
            return self.instance(java_class(local), self.project.package, depth + 1, as_value=True)
        q = self.project.qualified(first)
        found = self.project.source_of(q) if q else None
        node = top_class_named(found[0], raw.rsplit(".", 1)[-1]) if found is not None else None
        if node is None:
            return None
        cls = java_class(node)
        cls.origin = found[1]
        return self.instance(cls, found[1].package, depth + 1, as_value=True)

    def args(self, member: Member, depth: int, given: dict[str, str] | None = None,
             overloaded: bool = False) -> str | None:
        """The arguments of a call of `member`; None when one is only a null the member would receive."""
        type_vars = dict(_method_type_vars(member.node))
        out = []
        for type_text, name in member.params:
            value = (given or {}).get(name) or self.value(type_text, name, depth, type_vars)
            if (value == "null" or "->" in value or "::" in value) and overloaded:
                shown = self.type_name(type_text)
                if shown is not None and not any(v in shown for v in type_vars):
                    value = f"({shown}) {value}" if "->" not in value else f"({shown}) ({value})"
            if value == "null" and given is None and not self.allow_null:
                return None
            out.append(value)
        return ", ".join(out)

    # --- objects --------------------------------------------------------------------------------------------
    def reachable(self, member: Member, subclass: bool = False) -> bool:
        if member.access == "public" or (subclass and member.access == "protected"):
            return True
        return self.same_package and member.access != "private"

    def instance(self, cls: JavaClass, package: str | None, depth: int, as_value: bool = False) -> str | None:
        """An expression for an object of `cls`, or None when the example cannot make one."""
        if not (cls.public_path or self.same_package and package == self.project.package):
            return None
        if cls.inner:  # an inner class's object is made through an object of its outer class
            around = class_around(cls.node)
            outer = java_class(around) if around is not None else None
            made = self.instance(outer, package, depth) if outer is not None and depth < MAX_DEPTH else None
            ctors = cls.ctors or [Member(cls.node, cls.name, frozenset({"public"}), [])]
            args = self.fewest([c for c in ctors if self.reachable(c)], depth, ctors) if made else None
            if outer is not None:
                outer.origin = cls.origin
            return f"({made}).new {cls.name}{'<>' if cls.type_params else ''}({args})" if args is not None else None
        ref = self.ref(cls, package)
        if cls.kind == "enum":
            return f"{ref}.{cls.constants[0]}" if cls.constants else None
        if cls.abstract:
            abstract = cls.abstract_methods()
            # a lambda implements an interface of one abstract method, its own (nothing it extends adds more)
            if as_value and cls.kind == "interface" and len(abstract) == 1 and not supertypes(cls.node) and \
                    not abstract[0].node.child_by_field_name("type_parameters"):
                return _lambda(abstract[0])
            made = self.subclass_instance(cls, depth)
            if made is not None:
                return made
            return self.anonymous(cls, ref, depth)
        ctors = cls.ctors or [Member(cls.node, cls.name, frozenset({"public"}), [])]
        made = self.fewest([c for c in ctors if self.reachable(c)], depth, ctors)
        if made is not None:
            return f"new {ref}{'<>' if cls.type_params else ''}({made})"
        return self.factory(cls, ref, depth)

    def fewest(self, members: list[Member], depth: int, overloads: list[Member]) -> str | None:
        """The arguments of the member with the fewest parameters that all get a value (only its imports
        are kept)."""
        options = []
        for c in members:
            before = set(self.imports)
            made = self.args(c, depth, overloaded=len([o for o in overloads if len(o.params) == len(c.params)]) > 1)
            added, self.imports = self.imports - before, before
            if made is not None:
                options.append((len(c.params), len(made), made, added))
        if not options:
            return None
        best = min(options, key=lambda o: o[:2])
        self.imports |= best[3]
        return best[2]

    def factory(self, cls: JavaClass, ref: str, depth: int) -> str | None:
        """A class whose constructors the example cannot call: a static constant of it (`INSTANCE`), or a
        static method of it that returns one (of its own type first, then of a type it implements)."""
        for name, mods, kind in cls.fields:
            if {"static", "final"} <= mods and self.reachable(Member(cls.node, name, mods, [])) and \
                    _raw(kind) == cls.name:
                return f"{ref}.{name}"
        makers = [m for m in cls.methods if m.static and self.reachable(m) and m.returns not in ("void", "")]
        for m in sorted(makers, key=lambda m: (_raw(m.returns) != cls.name, len(m.params))):
            if _raw(m.returns) != cls.name and not re.search(rf"\bnew\s+{re.escape(cls.name)}\b",
                                                              text_of(m.node.child_by_field_name("body"))):
                continue
            made = self.args(m, depth)
            if made is not None:
                return f"{ref}.{m.name}({made})"
        return None

    def subclass_instance(self, cls: JavaClass, depth: int, levels: int = 0) -> str | None:
        for project, node in self.project.subclasses(cls.name, cls.kind == "interface")[:8]:
            sub = java_class(node)
            sub.origin = project
            if sub.type_params and any(b for _, b in sub.type_params):
                continue
            if sub.abstract:  # its own concrete subclass, a level down
                made = self.subclass_instance(sub, depth, levels + 1) if levels < MAX_SUPERTYPES else None
            else:
                made = self.instance(sub, project.package, depth)
            if made is not None:
                return made
        return None

    def anonymous(self, cls: JavaClass, ref: str, depth: int) -> str | None:
        """`new Owner<Object>(args) { ...the abstract methods, with minimal bodies }`."""
        ctor_args = ""
        if cls.kind != "interface" and cls.ctors:
            ctor_args = self.fewest([c for c in cls.ctors if self.reachable(c, subclass=True)], depth, cls.ctors)
            if ctor_args is None:
                return None
        overrides = self.overrides(cls)
        if self.unknown_abstract:
            return None
        body = " ".join(overrides)
        return f"new {ref}{cls.generic()}({ctor_args}) {{ {body} }}" if body else \
            f"new {ref}{cls.generic()}({ctor_args}) {{ }}"

    def overrides(self, cls: JavaClass) -> list[str]:
        """The methods a subclass of `cls` must write: the abstract ones of the class and of the project's
        classes and interfaces above it that nothing on the way implements, with the type arguments each
        `extends` and `implements` gives."""
        out: list[str] = []
        done: set[tuple[str, int]] = set()
        self.unknown_abstract = False
        self._collect(cls, {n: b or "Object" for n, b in cls.type_params}, out, done, 0)
        return out

    def _collect(self, cls: JavaClass, mapping: dict[str, str], out: list[str], done: set[tuple[str, int]],
                 depth: int) -> None:
        abstract = cls.abstract_methods()
        done |= {(m.name, len(m.params)) for m in cls.methods if m not in abstract and not m.static}
        for m in abstract:
            if (m.name, len(m.params)) not in done:
                done.add((m.name, len(m.params)))
                out.append(self.override(m, cls, mapping))
        if depth >= MAX_SUPERTYPES:
            return
        where = cls.origin or self.project
        for name, args in supertypes(cls.node):
            found = self.class_named(name, where)
            if found is None:  # the JDK's: its abstract methods are not read here, a few small ones are known
                known = _JDK_ABSTRACT.get(name.rsplit(".", 1)[-1])
                if known is None or any(m not in {n for n, _ in done} for m in known):
                    self.unknown_abstract = True
                continue
            sup = found
            for a in args:  # the types an `extends` names come from its own file
                for t in re.findall(r"\b[A-Z]\w*", a):
                    if t not in mapping:
                        self.type_name(t, where)
            given = {tp: _substituted(a, mapping) for (tp, _), a in zip(sup.type_params, args)}
            self._collect(sup, {tp: given.get(tp) or b or "Object" for tp, b in sup.type_params}, out, done,
                          depth + 1)

    def class_named(self, name: str, where: Project) -> JavaClass | None:
        """A class the file `where` names, read from the project (None for the JDK's and unknown ones)."""
        simple = name.rsplit(".", 1)[-1]
        own = where.file_at(where.file) if where.file is not None else None
        node = top_class_named(own[0], simple) if own is not None else None
        if node is not None:
            cls = java_class(node)
            cls.origin = where
            return cls
        q = where.qualified(name.split(".")[0])
        found = where.source_of(q) if q else None
        node = top_class_named(found[0], simple) if found is not None else None
        if node is None:
            return None
        cls = java_class(node)
        cls.origin = found[1]
        return cls

    def override(self, m: Member, cls: JavaClass, mapping: dict[str, str]) -> str:
        body = m.node.child_by_field_name("body")
        end = body.start_byte if body is not None else m.node.end_byte
        header = m.node.text[:end - m.node.start_byte].decode("utf-8", "replace").rstrip().rstrip(";")
        mods = next((c for c in m.node.children if c.type == "modifiers"), None)
        if mods is not None:
            header = header[mods.end_byte - m.node.start_byte:].lstrip()
        header = re.sub(r"/\*.*?\*/|//[^\n]*", "", header, flags=re.S)
        header = re.sub(r"\s+", " ", _substituted(header, mapping))
        for t in _type_identifiers(m.node):
            if t not in mapping:
                self.type_name(t, cls.origin)
        access = "public" if cls.kind == "interface" or m.access == "public" else \
            "protected" if m.access == "protected" else ""
        returns = _raw(_substituted(m.returns, mapping))
        return f"@Override {access} {header} {_default_return(returns)}".replace("  ", " ")

    # --- the example ----------------------------------------------------------------------------------------
    def build(self, node: Node | None, params: list[GenericParam]) -> str | None:
        if node is None:
            return None
        given = {p.name: p.value for p in params if p.value is not None}
        if node.type in CLASSES:
            cls = java_class(node)
            self.same_package = not cls.public_path
            return self.render(self.class_use(cls))
        owner = class_around(node)
        if owner is None:
            return None
        cls = java_class(owner)
        member = next((m for m in cls.methods + cls.ctors if m.node == node), None)
        constant = _enum_constant(node)
        if constant is not None and node.type == "method_declaration":  # a constant's own body overrides it
            name = text_of(node.child_by_field_name("name"))
            declared = next((m for m in cls.methods if m.name == name), None)
            params, varargs = params_of(node)
            member = Member(node, name, declared.mods if declared else modifiers(node), params, varargs)
            self.same_package = not cls.public_path or member.access == "package"
            ref = self.ref(cls, self.project.package)
            args = self.args(member, 0, given)
            return self.render([f"var value = {ref}.{constant};"] + _call_lines(f"value.{name}({args})", member.returns))
        if member is None:
            return None
        comment = []
        if member.node.type == "constructor_declaration" and cls.kind == "enum" and cls.constants:
            self.same_package = not cls.public_path
            ref = self.ref(cls, self.project.package)
            return self.render([f"// the constructor runs for each constant of `{cls.name}`",
                                f"var value = {ref}.{cls.constants[0]};", "System.out.println(value);"])
        for _ in range(2 * MAX_CALLER_HOPS):  # private members and private classes on the way
            if member.access == "private":
                caller = _caller(cls, member)
                if caller is None and member.name in _SERIALIZATION and not member.static:
                    return self.serialized(cls, member)
                if caller is None and member.node.type == "constructor_declaration":
                    self.same_package = not cls.public_path
                    return self.render([f"// the constructor is private: `{cls.name}` makes its objects itself"]
                                       + self.class_use(cls))
                if caller is None:
                    return None
                what = f"the constructor of `{cls.name}`" if member.node.type == "constructor_declaration" else \
                    f"`{member.name}`"
                comment.append(f"// {what} is private to `{cls.name}`: `{caller.name}` runs it")
                member, given = caller, {}
            elif "private" in cls.mods and class_around(cls.node) is not None:
                outer = java_class(class_around(cls.node))
                caller, runs = _caller_outside(outer, cls, member)
                if caller is None:
                    return None
                comment.append(f"// `{cls.name}` is private to `{outer.name}`: `{caller.name}` "
                               f"{f'runs `{member.name}`' if runs else f'makes the `{cls.name}` whose `{member.name}` runs'}")
                cls, member, given = outer, caller, {}
            else:
                break
        else:
            return None
        self.same_package = not cls.public_path or member.access == "package"
        if member.access == "protected" and not self.same_package:
            made = self.through_subclass(cls, member, given, comment)
            if made is not None:
                return made
            self.same_package = True
        overloaded = len([m for m in cls.methods + cls.ctors
                          if m.name == member.name and len(m.params) == len(member.params)]) > 1
        args = self.args(member, 0, given, overloaded)
        ref = self.ref(cls, self.project.package)
        if args is None and not self.allow_null:
            return None  # a parameter only a null fills: the second attempt, which allows one
        if member.node.type == "constructor_declaration":
            made = f"new {ref}{'<>' if cls.type_params else ''}({args})"
            if cls.abstract:
                made = self.anonymous(cls, ref, 0)
            body = [f"var value = {made};", "System.out.println(value);"]
        elif member.static:
            body = _call_lines(f"{ref}.{member.name}({args})", member.returns)
        else:
            receiver = self.instance(cls, self.project.package, 0)
            if receiver is None and not self.same_package:  # made only by constructors its package reaches:
                self.same_package = True                     # the example is a class of that package
                receiver = self.instance(cls, self.project.package, 0)
                args = self.args(member, 0, given, overloaded)
            if receiver is None or args is None:
                return None
            body = [f"var value = {receiver};"] + \
                _call_lines(f"value.{member.name}({args})", member.returns)
        return self.render(comment + body)

    def serialized(self, cls: JavaClass, member: Member) -> str | None:
        """A private serialization hook (`writeObject`, `readObject`, `readResolve` ...): Java's object streams
        call it when an object of the class is written and read back."""
        self.same_package = not cls.public_path
        receiver = self.instance(cls, self.project.package, 0)
        if receiver is None:
            return None
        return self.render([
            f"// `{member.name}` is private: Java serialization calls it when the object is written and read back",
            f"var value = {receiver};",
            "var bytes = new java.io.ByteArrayOutputStream();",
            "try (var out = new java.io.ObjectOutputStream(bytes)) {",
            "    out.writeObject(value);",
            "}",
            "try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {",
            "    System.out.println(in.readObject());",
            "}"])

    def class_use(self, cls: JavaClass) -> list[str]:
        made = self.instance(cls, self.project.package, 0)
        ref = self.ref(cls, self.project.package)
        if made is not None:
            return [f"var value = {made};", "System.out.println(value);"]
        for m in cls.methods:  # a utility class: its static members
            if m.static and self.reachable(m):
                args = self.args(m, 0)
                if args is not None:
                    return _call_lines(f"{ref}.{m.name}({args})", m.returns)
        return [f"System.out.println({ref}.class.getName());"]

    def through_subclass(self, cls: JavaClass, member: Member, given: dict[str, str],
                         comment: list[str]) -> str | None:
        """`public class Example extends Owner`: a protected member is reached from a subclass."""
        if "final" in cls.mods or cls.inner or cls.kind not in ("class",) or member.node.type != "method_declaration":
            return None
        super_args = ""
        if cls.ctors:
            super_args = self.fewest([c for c in cls.ctors if self.reachable(c, subclass=True)], 0, cls.ctors)
            if super_args is None:
                return None
        ref = self.ref(cls, self.project.package)
        throws = " throws Exception" if super_args else ""
        members = [f"Example(){throws} {{", f"    super({super_args});", "}"] if super_args else []
        members += self.overrides(cls)
        if self.unknown_abstract and cls.abstract:
            return None
        overloaded = len([m for m in cls.methods if m.name == member.name and len(m.params) == len(member.params)]) > 1
        args = self.args(member, 0, given, overloaded)
        if member.static:
            body = _call_lines(f"{member.name}({args})", member.returns)
        else:
            body = ["Example value = new Example();"] + _call_lines(f"value.{member.name}({args})", member.returns)
        comment = comment + [f"// `{member.name}` is protected: reached from a subclass of `{cls.name}`"]
        return self.render(comment + body, extends=f"{ref}{cls.generic()}", members=members)

    def render(self, body: list[str], extends: str | None = None, members: list[str] | None = None) -> str:
        head = [f"package {self.project.package};", ""] if self.same_package and self.project.package else []
        imports = [] if self.same_package or not self.g.import_line else [self.g.import_line]
        imports += sorted(i for i in self.imports if i not in imports and
                          not (self.same_package and i.startswith(f"import {self.project.package}.") and
                               i.count(".") == (self.project.package or "").count(".") + 1))
        if imports:
            head += imports + [""]
        declared = f"public class Example extends {extends} {{" if extends else "public class Example {"
        inner = [f"    {m}" for m in members or []]
        return "\n".join(head + [declared] + inner + ["    public static void main(String[] args) throws Exception {"]
                         + [f"        {line}" for line in body] + ["    }", "}"]) + "\n"


# the abstract methods of the JDK's small interfaces (none: a marker): a class below them that writes these
# has nothing more to write
_JDK_ABSTRACT = {"Serializable": (), "Cloneable": (), "RandomAccess": (), "EventListener": (),
                 "AutoCloseable": ("close",), "Closeable": ("close",), "Flushable": ("flush",),
                 "Comparable": ("compareTo",), "Runnable": ("run",), "Iterable": ("iterator",)}
_SERIALIZATION = frozenset({"writeObject", "readObject", "readObjectNoData", "readResolve", "writeReplace"})


def _enum_constant(node: Node) -> str | None:
    """The enum constant whose own body holds `node`, if any."""
    parent = node.parent
    while parent is not None and parent.type not in CLASSES:
        if parent.type == "enum_constant":
            return text_of(parent.child_by_field_name("name"))
        parent = parent.parent
    return None


def _substituted(text: str, mapping: dict[str, str]) -> str:
    """`text` with each type variable replaced by the type the example chose for it."""
    if not mapping:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in mapping) + r")\b")
    return pattern.sub(lambda m: mapping[m.group(1)], text)


def _type_identifiers(node: Node) -> set[str]:
    """The type names a method's header writes (its parameters, return type and throws clause)."""
    out, stack = set(), [c for c in node.children if c.type not in ("block", "modifiers")]
    while stack:
        n = stack.pop()
        if n.type == "type_identifier":
            out.add(text_of(n))
        elif n.type == "scoped_type_identifier":
            out.add(text_of(n).split(".")[0])
            continue
        stack.extend(n.named_children)
    return out


def _call_lines(call: str, returns: str) -> list[str]:
    if returns == "void" or not returns:
        return [f"{call};"]
    return [f"var result = {call};", "System.out.println(result);"]


def _lambda(m: Member) -> str:
    names = ["a", "b", "c", "d", "e"][:len(m.params)]
    head = names[0] if len(names) == 1 else f"({', '.join(names)})"
    returns = _raw(m.returns)
    if returns == "void":
        return f"{head} -> {{ }}"
    if returns == "boolean":
        return f"{head} -> true"
    if returns in _NUMERIC:
        return f"{head} -> 0"
    if returns == "String":
        return f'{head} -> "example"'
    return f"{head} -> {names[0]}" if names else f'{head} -> "example"'


def _method_type_vars(node: Node) -> list[tuple[str, str]]:
    out = type_params(node) if node.type in ("method_declaration", "constructor_declaration") else []
    cls = class_around(node)
    while cls is not None:  # the class's own type variables are the example's choice too
        out += type_params(cls)
        if "static" in modifiers(cls):
            break
        cls = class_around(cls)
    return out


def _caller(cls: JavaClass, member: Member) -> Member | None:
    """The nearest non-private method or constructor of the class that calls `member` (directly or through
    other private ones), found in the class's syntax tree."""
    members = cls.methods + cls.ctors
    seen = {id(member.node)}
    frontier = [member]
    for _ in range(MAX_CALLER_HOPS):
        found: list[Member] = []
        for target in frontier:
            for m in members:
                if id(m.node) not in seen and _calls(m.node, target, cls.name):
                    seen.add(id(m.node))
                    found.append(m)
        public = sorted((m for m in found if m.access != "private"),
                        key=lambda m: (("public", "protected", "package").index(m.access), len(m.params)))
        if public:
            return public[0]
        frontier = found
        if not frontier:
            return None
    return None


def _caller_outside(outer: JavaClass, cls: JavaClass, member: Member) -> tuple[Member | None, bool]:
    """A member of a private nested class is reached through the outer class: its non-private method that
    calls the member (on any object), else one that makes an object of the nested class."""
    members = sorted(outer.methods + outer.ctors,  # a private one is reached through its own caller
                     key=lambda m: (("public", "protected", "package", "private").index(m.access), len(m.params)))
    if member.node.type != "constructor_declaration":
        for m in members:
            if _invokes(m.node, lambda n: n.type == "method_invocation" and
                        text_of(n.child_by_field_name("name")) == member.name):
                return m, True
    for m in members:
        if _invokes(m.node, lambda n: n.type == "object_creation_expression" and
                    _raw(text_of(n.child_by_field_name("type"))).rsplit(".", 1)[-1] == cls.name):
            return m, member.node.type == "constructor_declaration"
    return None, False


def _invokes(node: Node, match) -> bool:
    stack = [c for c in node.children if c.type in ("block", "constructor_body")]
    while stack:
        n = stack.pop()
        if match(n):
            return True
        stack.extend(c for c in n.named_children if c.type not in CLASSES)
    return False


def _calls(node: Node, target: Member, owner: str) -> bool:
    stack = [node.child_by_field_name("body")] if node.child_by_field_name("body") is not None else []
    ctor = target.node.type == "constructor_declaration"
    while stack:
        n = stack.pop()
        if not ctor and n.type == "method_invocation" and text_of(n.child_by_field_name("name")) == target.name:
            obj = n.child_by_field_name("object")
            if obj is None or text_of(obj) in ("this", owner):
                return True
        if ctor and n.type == "object_creation_expression" and _raw(text_of(n.child_by_field_name("type"))) == owner:
            return True
        if ctor and n.type == "explicit_constructor_invocation" and n.children and n.children[0].type == "this":
            return True
        stack.extend(c for c in n.named_children if c.type not in CLASSES)
    return False


def java_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    made = None
    for allow_null in (False, True):
        builder = _Builder(g, src)
        builder.allow_null = allow_null
        try:
            made = builder.build(node, params)
        except (ValueError, IndexError, AttributeError) as exc:
            log.info("the Java example could not be built from the project's classes: %s", exc)
        if made is not None:
            break
    return made if made is not None else _plain_example(g, src, node, params)


def _plain_example(g: Grounding, src: Source, node: Node | None, params: list[GenericParam]) -> str:
    """The example when the project's classes could not be read: the block called on a new object of its class."""
    block = g.block
    head = [g.import_line, ""] if g.import_line else []
    text = text_of(node) if node is not None else ""
    if block.kind == "class":
        ctor = constructor_params(src, node, (block.name,))
        body = [f"{block.name} value = new {block.name}({guessed_args('java', ctor)});", "System.out.println(value);"]
    else:
        cls = class_node_of(src, node)
        owner = text_of(cls.child_by_field_name("name")) if cls is not None else "Owner"
        static = bool(re.search(r"\bstatic\b", text.split("(")[0]))
        returns = text_of(node.child_by_field_name("type")) if node is not None else "void"
        ctor = constructor_params(src, cls, (owner,))
        body = [] if static else [f"{owner} value = new {owner}({guessed_args('java', ctor)});"]
        call = f"{owner if static else 'value'}.{block.name}({guessed_args('java', params)})"
        if block.kind == "method" and node is not None and node.type == "constructor_declaration":
            body = [f"{owner} value = new {owner}({guessed_args('java', params)});", "System.out.println(value);"]
        elif returns == "void":
            body.append(f"{call};")
        else:
            body += [f"var result = {call};", "System.out.println(result);"]
    return "\n".join(head + ["public class Example {", "    public static void main(String[] args) throws Exception {"]
                     + [f"        {l}" for l in body] + ["    }", "}"]) + "\n"
