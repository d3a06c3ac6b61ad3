"""Model backends behind one small interface; `make_backend` picks one from the settings."""

from __future__ import annotations

from blockguide.llm.base import (
    Backend,
    BackendError,
    BadAnswer,
    DraftRequest,
    GuideDraft,
    PHRASE_MAX_TOKENS,
    PHRASE_STEPS,
    ModelMissing,
    ModelNotRunning,
    ModelTimeout,
    ModelUnreachable,
    PhraseDraft,
    PhraseStep,
    guide_schema,
    parse_draft,
    parse_phrase,
    phrase_schema,
    role_for,
    salvage_draft,
)


def make_backend(settings) -> Backend | None:
    """The backend for the settings; None when the user chose `model = none` (guides from analysis only).

    `backend` picks the protocol (Ollama, or an OpenAI-compatible server); with more than one host
    (`ollamaHost` + `hosts`) the backends are wrapped in a pool that spreads requests and fails over.
    """
    if settings.model == "none":
        return None
    hosts = settings.all_hosts() if hasattr(settings, "all_hosts") else [settings.ollama_host]
    if getattr(settings, "backend", "ollama") == "openai":
        from blockguide.llm.openai import OpenAIBackend as One
    else:
        from blockguide.llm.ollama import OllamaBackend as One
    backends = [One(host=host, model=settings.model, timeout=settings.timeout) for host in hosts]
    if len(backends) == 1:
        return backends[0]
    from blockguide.llm.pool import PoolBackend

    return PoolBackend(backends)


__all__ = [
    "Backend", "BackendError", "BadAnswer", "DraftRequest", "GuideDraft", "ModelMissing", "ModelNotRunning", "ModelTimeout",
    "ModelUnreachable", "guide_schema", "make_backend", "parse_draft",
    "salvage_draft", "PHRASE_MAX_TOKENS", "PHRASE_STEPS", "PhraseDraft", "PhraseStep", "parse_phrase", "phrase_schema", "role_for",
]
