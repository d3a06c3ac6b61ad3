"""The backend interface, the guide's JSON schema, and tolerant parsing of what a model answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable, Protocol

from partial_json_parser import Allow
from partial_json_parser import loads as partial_loads
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError


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
    return _plain_schema(GuideDraft)


def _plain_schema(model: type[BaseModel]) -> dict:
    raw = model.model_json_schema()
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


# --- the small-model job: word the facts the analysis found ("phrase") ---------------------------------------
# A model of about a billion parameters or fewer does not write a guide: it is handed the static guide's steps,
# each with its code, and writes a purpose for the description and, per step, a short label and one sentence.
# Every field is checked on its own (core.checks.fields); a field that fails keeps the analysis' text.
# The steps the small model is asked to word: the first PHRASE_STEPS of the outline (the rest keep the analysis'
# text). On 2 idle CPU cores the bundled model reads about 140 new prompt tokens and writes about 41 answer tokens a
# second under the schema's grammar (about 52 without it), and it writes its JSON indented with sentences far over
# their 15 words (50-60 tokens a step, most of them rejected by the checks): every answer runs to the cap, so the
# cap is the time. 250 tokens took a median 9.4 s a guide, 180 tokens 7.8 s, 150 tokens (with STEP_LINES 3 in the
# prompt) about 7 s (bench/RESULTS.md); 150 tokens is a description and two steps, rarely a third.
PHRASE_STEPS = 3
PHRASE_MAX_TOKENS = 150  # the answer's token cap; an answer cut there keeps its finished fields


class PhraseStep(BaseModel):
    # numbers as labels are read as text (the checks reject them, the parse does not fail on them), and a
    # step's sentence may come back under the name a guide step uses ("detail") or a generic one ("text")
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    # the step's number, first: a small model that is handed numbered steps writes the number somewhere, and
    # here it lands in a field of its own instead of the label (the bundled model labelled steps "1", "2", ...)
    step: int = 0
    label: str = ""
    sentence: str = Field(default="", validation_alias=AliasChoices("sentence", "detail", "text"))


class PhraseDraft(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    description: str = ""
    steps: list[PhraseStep]
    _salvaged: bool = PrivateAttr(default=False)

    @property
    def salvaged(self) -> bool:
        """True when the answer was cut off (or broken) and only its finished fields were kept."""
        return self._salvaged


def phrase_schema(n_steps: int) -> dict:
    """The output schema of the phrase job: a description and exactly `n_steps` steps (label, sentence).

    minItems = maxItems = n: a grammar-constrained decoder then writes one step per outline step, no more (a
    small model otherwise repeats a step until the token cap). No string lengths: llama.cpp grammars blow up
    on maxLength; the checks bound lengths instead.
    """
    if n_steps < 1:
        raise ValueError(f"a phrase answer needs at least one step, not {n_steps}")
    schema = _plain_schema(PhraseDraft)
    schema["required"] = ["description", "steps"]
    schema["properties"]["steps"].update({"minItems": n_steps, "maxItems": n_steps})
    item = schema["properties"]["steps"]["items"]
    item["required"] = ["step", "label", "sentence"]
    for prop in (schema["properties"]["description"], *item["properties"].values()):
        prop.pop("default", None)
    return schema


def _json_text(text: str) -> str:
    """The answer without <think> blocks and code fences, from its first "{" on ("" when it has none)."""
    cleaned = _THINK.sub("", text).strip()
    cleaned = re.sub(r"^```(?:json)?\s*|\s*```$", "", cleaned)
    start = cleaned.find("{")
    return cleaned[start:] if start >= 0 else ""


def _phrase_steps(raw) -> list[dict]:
    """Steps as dicts: a step written as a bare string is its sentence; entries with no text are left out."""
    out = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            item = {"sentence": item}
        if not isinstance(item, dict):
            continue
        item = {k: (str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v) for k, v in item.items()}
        texts = [item.get(k) for k in ("label", "sentence", "detail", "text")]
        if any(isinstance(t, str) and t.strip() for t in texts):
            out.append(item)
    return out


def parse_phrase(text: str, n_steps: int) -> PhraseDraft:
    """A PhraseDraft from a model's answer, as tolerant as `parse_draft`.

    <think> blocks, code fences and raw newlines in strings are fine; more than `n_steps` steps keeps the first
    n; fewer keeps what there is (the caller fills the rest from the analysis). An answer that is cut off or
    otherwise broken keeps its finished fields (partial-json-parser), with `.salvaged` set. A missing or empty
    description comes back as "" (its check fails and the analysis' description stands). Raises BadAnswer
    only when no step with text can be read.
    """
    body = _json_text(text)
    if not body:
        raise BadAnswer("the model's answer holds no JSON object")
    salvaged = False
    end = body.rfind("}")
    try:  # the first whole object, whatever follows it (a small model may add a remark)
        data = json.JSONDecoder(strict=False).raw_decode(body)[0]
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        salvaged = True
        try:
            data = partial_loads(body, Allow.ALL & ~Allow.STR, parser=lambda s: json.loads(s, strict=False))
        except Exception:  # the library raises plain errors of several kinds for text it cannot read
            data = None
        if not isinstance(data, dict):
            raise BadAnswer("the model's answer is not valid JSON" + (" (it was cut off)" if end < 0 else ""))
    steps = _phrase_steps(data.get("steps"))[: max(1, n_steps)]
    if not steps:
        raise BadAnswer("the model's answer has no steps" + (" (it was cut off)" if salvaged else ""))
    description = data.get("description")
    try:
        draft = PhraseDraft.model_validate({
            "description": description if isinstance(description, (str, int, float)) else "",
            "steps": steps,
        })
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'answer'}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise BadAnswer(f"the model's answer does not match the phrase schema: {problems}") from None
    draft._salvaged = salvaged
    return draft


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

    async def parameter_count(self) -> float | None:
        """The model's size in billions of parameters, None when the server does not say. Never raises;
        cached per backend once known."""


# A model this size or smaller phrases the analysis' facts (role "phrase"); a larger one drafts whole guides.
PHRASE_MAX_PARAMS_B = 1.0
ROLES = ("auto", "phrase", "draft")


def role_for(setting: str, params_b: float | None) -> str:
    """The model's job: "phrase" or "draft". `setting` "phrase" / "draft" is taken as given; "auto" picks
    "phrase" for a model of at most PHRASE_MAX_PARAMS_B billion parameters, or of unknown size (the safe job:
    a large model phrasing loses little, a small model drafting invents), and "draft" above it."""
    setting = (setting or "auto").strip().lower()
    if setting in ("phrase", "draft"):
        return setting
    if setting != "auto":
        raise ValueError(f"unknown model role {setting!r}: use one of {', '.join(ROLES)}")
    if params_b is None or params_b <= PHRASE_MAX_PARAMS_B:
        return "phrase"
    return "draft"


_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMBT])?\s*$", re.IGNORECASE)
_SIZE_UNIT = {"K": 1e-6, "M": 1e-3, "B": 1.0, "T": 1e3, None: 1e-9}


def parse_parameter_size(text: object) -> float | None:
    """Billions of parameters from a size as Ollama writes it ("134.52M", "1.5B", "7B"), None if unreadable.
    A bare number is a count of parameters."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text) / 1e9 if text > 0 else None
    if not isinstance(text, str):
        return None
    m = _SIZE.match(text)
    if not m:
        return None
    value = float(m.group(1)) * _SIZE_UNIT[m.group(2).upper() if m.group(2) else None]
    return value if value > 0 else None


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
