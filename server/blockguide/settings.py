"""Typed settings, parsed once from the editor or the command line.

On the wire the keys are camelCase (section `blockguide`). Each field declares what it accepts (its
validator); a bad value keeps the previous one and is reported.
"""

from __future__ import annotations

import os
from typing import Any, Literal
from urllib.parse import urlsplit

import attrs
from attrs import validators as v

DEFAULT_MODEL = "blockguide-tiny"
InsertionStyle = Literal["comment", "docstring", "none"]
BackendKind = Literal["ollama", "openai"]
ModelRole = Literal["auto", "phrase", "draft"]
MAX_HOSTS = 16


def default_host() -> str:
    return os.environ.get("OLLAMA_HOST") or "http://127.0.0.1:11434"


def normalize_host(host: str) -> str:
    """`localhost:11434`, `127.0.0.1` or a full URL → a full URL. Raises ValueError for what is not a host."""
    if not isinstance(host, str):
        raise ValueError("expected a URL")
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


def _host(value: Any) -> str:
    """A host from the settings, normalized. $OLLAMA_HOST, the default, is taken as it is: a malformed one is
    reported by the backend when it is used (the server must start whatever the environment holds)."""
    return value if value == default_host() else normalize_host(value)


def _hosts(value: Any) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return value
    if not isinstance(value, list) or not all(isinstance(h, str) for h in value):
        raise ValueError("expected a list of URLs")
    if len(value) > MAX_HOSTS:
        raise ValueError(f"{len(value)} hosts, more than {MAX_HOSTS}")
    return tuple(dict.fromkeys(normalize_host(h) for h in value))


def _number(lo: float, hi: float, whole: bool = False):
    """A number within lo..hi (a whole one for counts); true/false and strings are not numbers."""
    def check(_, attribute, value) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
            raise ValueError(f"expected {'a whole number' if whole else 'a number'}, got {value!r}")
        if not lo <= value <= hi:
            raise ValueError(f"{value} is outside {lo:g}..{hi:g}")
    return check


def _as_float(value: Any) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _one_of(*choices: str):
    def check(_, attribute, value) -> None:
        if value not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
    return check


def _model_name(_, attribute, value) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a model name")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


@attrs.frozen
class Settings:
    model: str = attrs.field(default=DEFAULT_MODEL, converter=_strip, validator=_model_name)
    ollama_host: str = attrs.field(factory=default_host, converter=_host)
    insertion_style: InsertionStyle = attrs.field(default="comment", validator=_one_of("comment", "docstring", "none"))
    context_budget: int = attrs.field(default=2048, validator=_number(256, 32768, whole=True))
    timeout: float = attrs.field(default=120.0, converter=_as_float, validator=_number(1, 3600))
    temperature: float = attrs.field(default=0.2, converter=_as_float, validator=_number(0, 2))
    seed: int = attrs.field(default=0, validator=_number(-(2**31), 2**31 - 1, whole=True))
    references: int = attrs.field(default=5, validator=_number(0, 50, whole=True))
    max_tokens: int = attrs.field(default=700, validator=_number(64, 8192, whole=True))
    # "openai": an OpenAI-compatible /v1/chat/completions server
    backend: BackendKind = attrs.field(default="ollama", validator=_one_of("ollama", "openai"))
    # more model servers beyond ollama_host; requests are spread over all
    hosts: tuple[str, ...] = attrs.field(default=(), converter=_hosts)
    # when no model server answers at all: a guide built from the analysis alone, marked as such (True),
    # or only the error message (False)
    offline_fallback: bool = attrs.field(default=True, validator=v.instance_of(bool))
    # what the model writes: `phrase` (small models: the description's purpose and each outline step's label and
    # sentence), `draft` (the whole guide), `auto` (phrase up to about 1B parameters)
    model_role: ModelRole = attrs.field(default="auto", validator=_one_of("auto", "phrase", "draft"))

    def all_hosts(self) -> list[str]:
        """Every model server to use: `ollama_host` first, then `hosts`, without duplicates."""
        return list(dict.fromkeys((self.ollama_host, *self.hosts)))

    def output_key(self) -> str:
        """The settings that change a guide's text, for the cache key."""
        return (f"{self.model}|{self.context_budget}|{self.temperature}|{self.seed}|{self.references}|"
                f"{self.max_tokens}|{self.model_role}")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


WIRE_KEYS = {_camel(f.name): f.name for f in attrs.fields(Settings)}


def to_wire(settings: Settings) -> dict[str, Any]:
    return {_camel(k): list(val) if isinstance(val, tuple) else val for k, val in attrs.asdict(settings).items()}


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
    settings = base
    for key, value in raw.items():
        name = WIRE_KEYS.get(key)
        if name is None:
            if key not in ("python", "trace", "server"):  # client-side settings of the VS Code extension
                problems.append(f"unknown setting blockguide.{key} (ignored)")
            continue
        if value is None or (name == "ollama_host" and value == ""):
            continue  # "use the default"
        try:
            settings = attrs.evolve(settings, **{name: value})  # runs the field's converter and validator
        except (ValueError, TypeError) as exc:
            problems.append(f"blockguide.{key}: {exc}; keeping {to_wire(base)[key]!r}")
    return settings, problems
