"""The backend interface, the guide's JSON schema, and tolerant parsing of what a model answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable, Protocol

from partial_json_parser import Allow
from partial_json_parser import loads as partial_loads
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class StepDraft(BaseModel):
    model_config = ConfigDict(extra="ignore")
    label: str
    detail: str


class ExampleDraft(BaseModel):
    model_config = ConfigDict(extra="ignore")
    language: str
    code: str


MAX_STEPS = 8


# What the model must answer. No string lengths in the schema (llama.cpp grammars blow up on maxLength),
# but a bound on the number of steps: without it a small model repeats one step until the token cap cuts
# the JSON off. The bound is in the schema only: more steps from a server that ignores schemas are kept.
class GuideDraft(BaseModel):
    model_config = ConfigDict(extra="ignore")
    description: str
    steps: list[StepDraft] = Field(json_schema_extra={"minItems": 1, "maxItems": MAX_STEPS})
    example: ExampleDraft


def guide_schema() -> dict:
    """The JSON schema sent as the model's output format, built from the typed model.

    References are inlined and titles dropped: a plain, small schema is what grammar-constrained
    decoders handle best, and every token of it is part of the prompt.
    """
    raw = GuideDraft.model_json_schema()
    defs = raw.pop("$defs", {})

    def clean(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return clean(defs[node["$ref"].rsplit("/", 1)[-1]])
            out = {k: clean(v) for k, v in node.items() if k not in ("title", "description", "properties")}
            if "properties" in node:  # property names are data, not metadata: keep them all
                out["properties"] = {name: clean(sub) for name, sub in node["properties"].items()}
            return out
        if isinstance(node, list):
            return [clean(v) for v in node]
        return node

    return clean(raw)


@dataclass
class DraftRequest:
    messages: list[dict]
    schema: dict
    temperature: float = 0.2
    seed: int = 0
    max_tokens: int = 700

    def __post_init__(self) -> None:
        # An editor can send lone UTF-16 surrogates (a broken file); they cannot be encoded as UTF-8 for the
        # model server, and would fail the request with an encoding error blamed on the server.
        self.messages = [{**m, "content": _LONE_SURROGATE.sub("\ufffd", m["content"])}
                         if isinstance(m.get("content"), str) else m for m in self.messages]


@dataclass
class DraftResult:
    text: str
    tokens: int
    prompt_tokens: int = 0
    stop_reason: str = ""
    timings: dict = field(default_factory=dict)


class BackendError(Exception):
    """A failure the user can act on; `str()` is the message to show, with what to do next."""


class ModelUnreachable(BackendError):
    pass


class ModelNotRunning(ModelUnreachable):
    """Nothing answered at the host (connection refused, no route): no request reached a model, so a guide
    built without it (`Settings.offline_fallback`) is the honest answer. A connection that breaks *during*
    generation is a plain ModelUnreachable: that guide is lost and nothing is inserted."""


class ModelMissing(BackendError):
    pass


class ModelTimeout(BackendError):
    pass


class BadAnswer(BackendError):
    pass


class Backend(Protocol):
    model: str
    host: str

    async def draft(self, request: DraftRequest, on_token: Callable[[int], None] | None = None) -> DraftResult:
        """Ask the model; `on_token(count)` is called as tokens stream in. Raises BackendError."""

    async def health(self) -> list[tuple[str, bool, str, str]]:
        """Checks as (name, ok, detail, fix)."""


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_THINK = re.compile(r"<think>.*?(</think>|\Z)", re.DOTALL | re.IGNORECASE)


def parse_draft(text: str) -> GuideDraft:
    """A GuideDraft from a model's answer, tolerating what small models do.

    Removes <think> blocks and code fences around the JSON, accepts raw newlines inside strings
    (`strict=False`), and takes the outermost object. Raises BadAnswer with the exact problem.
    """
    cleaned = _THINK.sub("", text).strip()
    cleaned = re.sub(r"^```(?:json)?\s*|\s*```$", "", cleaned)
    start = cleaned.find("{")
    end = cleaned.rfind("}")
    if start < 0 or end <= start:
        raise BadAnswer("the model's answer holds no JSON object" + (" (it was cut off)" if start >= 0 else ""))
    try:
        data = json.loads(cleaned[start:end + 1], strict=False)
    except json.JSONDecodeError as exc:
        raise BadAnswer(f"the model's answer is not valid JSON: {exc.msg} at character {exc.pos}") from None
    try:
        draft = GuideDraft.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'answer'}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise BadAnswer(f"the model's answer does not match the guide schema: {problems}") from None
    if not draft.description.strip():
        raise BadAnswer("the model's answer has an empty description")
    if not [s for s in draft.steps if s.label.strip() or s.detail.strip()]:
        raise BadAnswer("the model's answer has no execution steps")
    if not draft.example.code.strip():
        raise BadAnswer("the model's answer has an empty usage example")
    return draft


def salvage_draft(text: str) -> GuideDraft | None:
    """What can be kept of an answer the token cap cut off: its finished fields only (a string cut midway is
    left out, so is a step without its text). None unless a description and one whole step survive; a
    missing usage example comes back empty, for blockguide to fill in with its own."""
    cleaned = _THINK.sub("", text).strip()
    cleaned = re.sub(r"^```(?:json)?\s*", "", cleaned)
    start = cleaned.find("{")
    if start < 0:
        return None
    try:
        data = partial_loads(cleaned[start:], Allow.ALL & ~Allow.STR, parser=lambda s: json.loads(s, strict=False))
    except Exception:  # the library raises plain errors of several kinds for text it cannot read
        return None
    if not isinstance(data, dict):
        return None
    description = data.get("description")
    steps = [s for s in data.get("steps") or [] if isinstance(s, dict) and isinstance(s.get("label"), str)
             and isinstance(s.get("detail"), str) and (s["label"].strip() or s["detail"].strip())]
    if not isinstance(description, str) or not description.strip() or not steps:
        return None
    example = data.get("example")
    if not (isinstance(example, dict) and isinstance(example.get("code"), str) and isinstance(example.get("language"), str)):
        example = {"language": "", "code": ""}
    try:
        return GuideDraft.model_validate({"description": description, "steps": steps, "example": example})
    except ValidationError:
        return None
