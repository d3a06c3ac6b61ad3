"""Typed settings, parsed once from the editor or the command line.

On the wire the keys are camelCase (section `blockguide`); a bad value keeps the default and is reported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal
from urllib.parse import urlsplit

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

DEFAULT_MODEL = "blockguide-tiny"
InsertionStyle = Literal["comment", "docstring", "none"]
BackendKind = Literal["ollama", "openai"]
MAX_HOSTS = 16


def default_host() -> str:
    return os.environ.get("OLLAMA_HOST") or "http://127.0.0.1:11434"


def normalize_host(host: str) -> str:
    """`localhost:11434`, `127.0.0.1` or a full URL → a full URL. Raises ValueError for what is not a host."""
    host = host.strip()
    if not host:
        raise ValueError("empty host")
    if "://" not in host:
        host = "http://" + host
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{host!r} is not an http(s) URL")
    port = parts.port  # raises ValueError for a bad port
    if port is None:
        host = f"{parts.scheme}://{parts.netloc}:11434{parts.path}" if parts.scheme == "http" else host
    return host.rstrip("/")


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    ollama_host: str = field(default_factory=default_host)
    insertion_style: InsertionStyle = "comment"
    context_budget: int = 2048
    timeout: float = 120.0
    temperature: float = 0.2
    seed: int = 0
    references: int = 5
    max_tokens: int = 700
    backend: BackendKind = "ollama"  # "openai": an OpenAI-compatible /v1/chat/completions server
    hosts: tuple[str, ...] = ()  # more model servers beyond ollama_host; requests are spread over all
    # when no model server answers at all: a guide built from the analysis alone, marked as such (True),
    # or only the error message (False)
    offline_fallback: bool = True

    def all_hosts(self) -> list[str]:
        """Every model server to use: `ollama_host` first, then `hosts`, without duplicates."""
        return list(dict.fromkeys((self.ollama_host, *self.hosts)))

    def output_key(self) -> str:
        """The settings that change a guide's text, for the cache key."""
        return (f"{self.model}|{self.context_budget}|{self.temperature}|{self.seed}|{self.references}|"
                f"{self.max_tokens}")


_LIMITS: dict[str, tuple[float, float]] = {
    "context_budget": (256, 32768),
    "timeout": (1, 3600),
    "temperature": (0, 2),
    "seed": (-(2**31), 2**31 - 1),
    "references": (0, 50),
    "max_tokens": (64, 8192),
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


_converter = cattrs.Converter(forbid_extra_keys=False)
_converter.register_unstructure_hook(
    Settings,
    make_dict_unstructure_fn(Settings, _converter, **{f.name: override(rename=_camel(f.name)) for f in fields(Settings)}),
)
_converter.register_structure_hook(
    Settings,
    make_dict_structure_fn(Settings, _converter, **{f.name: override(rename=_camel(f.name)) for f in fields(Settings)}),
)
WIRE_KEYS = {_camel(f.name): f.name for f in fields(Settings)}


def to_wire(settings: Settings) -> dict[str, Any]:
    return _converter.unstructure(settings)


def parse(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from a client's dict (camelCase). Returns the settings and one message per problem.

    Keys that are absent keep `base` (or the defaults); a bad value keeps them too.
    """
    base = base or Settings()
    problems: list[str] = []
    if raw is None or raw == []:  # an empty Lua table goes on the wire as []
        return base, problems
    if not isinstance(raw, dict):
        return base, [f"blockguide settings must be an object, got {type(raw).__name__}"]
    if isinstance(raw.get("blockguide"), dict):  # a whole settings tree rather than our section
        raw = raw["blockguide"]
    changes: dict[str, Any] = {}
    defaults = to_wire(base)
    for key, value in raw.items():
        name = WIRE_KEYS.get(key)
        if name is None:
            if key not in ("python", "trace", "server"):  # client-side settings of the VS Code extension
                problems.append(f"unknown setting blockguide.{key} (ignored)")
            continue
        if value is None or (name == "ollama_host" and value == ""):
            continue  # "use the default"
        try:
            one = _converter.structure({**defaults, key: value}, Settings)
            new = getattr(one, name)
            if isinstance(new, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"expected true or false, got {value!r}")
            elif isinstance(value, bool) or (isinstance(new, (int, float)) and not isinstance(value, (int, float))):
                raise ValueError(f"expected a number, got {value!r}")
            if name in _LIMITS:
                lo, hi = _LIMITS[name]
                if not lo <= new <= hi:
                    raise ValueError(f"{new} is outside {lo:g}..{hi:g}")
            if name == "insertion_style" and new not in ("comment", "docstring", "none"):
                raise ValueError(f"{new!r} is not one of comment, docstring, none")
            if name == "model" and (not isinstance(value, str) or not value.strip()):
                raise ValueError("expected a model name")
            if name == "ollama_host":
                if not isinstance(value, str):
                    raise ValueError("expected a URL")
                new = normalize_host(value)
            if name == "backend" and new not in ("ollama", "openai"):
                raise ValueError(f"{new!r} is not one of ollama, openai")
            if name == "hosts":
                if not isinstance(value, list) or not all(isinstance(h, str) for h in value):
                    raise ValueError("expected a list of URLs")
                if len(value) > MAX_HOSTS:
                    raise ValueError(f"{len(value)} hosts, more than {MAX_HOSTS}")
                new = tuple(dict.fromkeys(normalize_host(h) for h in value))
            changes[name] = new.strip() if isinstance(new, str) else new
        except (ValueError, TypeError, cattrs.BaseValidationError) as exc:
            reason = exc.exceptions[0] if isinstance(exc, cattrs.BaseValidationError) and exc.exceptions else exc
            problems.append(f"blockguide.{key}: {reason}; keeping {defaults[key]!r}")
    return replace(base, **changes), problems
