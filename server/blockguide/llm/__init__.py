"""Model backends behind one small interface; `make_backend` picks one from the settings."""

from __future__ import annotations

from blockguide.llm.base import (
    Backend,
    BackendError,
    BadAnswer,
    DraftRequest,
    GuideDraft,
    ModelMissing,
    ModelTimeout,
    ModelUnreachable,
    guide_schema,
    parse_draft,
)


def make_backend(settings) -> Backend | None:
    """The backend for the settings; None when the user chose `model = none` (guides from analysis only)."""
    if settings.model == "none":
        return None
    from blockguide.llm.ollama import OllamaBackend

    return OllamaBackend(host=settings.ollama_host, model=settings.model, timeout=settings.timeout)


__all__ = [
    "Backend", "BackendError", "BadAnswer", "DraftRequest", "GuideDraft", "ModelMissing", "ModelTimeout",
    "ModelUnreachable", "guide_schema", "make_backend", "parse_draft",
]
