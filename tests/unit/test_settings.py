from __future__ import annotations

import pytest

from blockguide.settings import Settings, normalize_host, parse, to_wire


def test_defaults_and_wire_names():
    wire = to_wire(Settings())
    assert set(wire) == {"model", "ollamaHost", "insertionStyle", "contextBudget", "timeout", "temperature",
                         "seed", "references", "maxTokens", "backend", "hosts", "offlineFallback", "modelRole"}
    assert wire["offlineFallback"] is True
    assert wire["model"] == "blockguide-tiny" and wire["insertionStyle"] == "comment"


def test_ollama_host_defaults_to_the_environment(monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", "http://10.0.0.5:1234")
    assert Settings().ollama_host == "http://10.0.0.5:1234"
    monkeypatch.delenv("OLLAMA_HOST")
    assert Settings().ollama_host == "http://127.0.0.1:11434"


def test_valid_values_are_taken():
    s, problems = parse({"model": "qwen2.5-coder:1.5b", "ollamaHost": "localhost:8080", "insertionStyle": "docstring",
                         "contextBudget": 4096, "timeout": 30, "temperature": 0.0, "seed": 7, "references": 0,
                         "maxTokens": 400})
    assert problems == []
    assert s == Settings(model="qwen2.5-coder:1.5b", ollama_host="http://localhost:8080",
                         insertion_style="docstring", context_budget=4096, timeout=30.0, temperature=0.0, seed=7,
                         references=0, max_tokens=400)


@pytest.mark.parametrize("raw, key", [
    ({"timeout": "soon"}, "timeout"), ({"temperature": 3}, "temperature"), ({"insertionStyle": "banner"},
    "insertionStyle"), ({"contextBudget": True}, "contextBudget"), ({"ollamaHost": "ftp://x"}, "ollamaHost"),
    ({"ollamaHost": "http://h:notaport"}, "ollamaHost"), ({"model": "  "}, "model"), ({"references": -1}, "references"),
    ({"offlineFallback": "no"}, "offlineFallback"), ({"offlineFallback": 0}, "offlineFallback"),
    ({"modelRole": "write"}, "modelRole"), ({"maxTokens": 100.5}, "maxTokens"), ({"hosts": "h"}, "hosts"),
])
def test_a_bad_value_keeps_the_previous_one_and_says_so(raw, key):
    base = Settings(model="m", timeout=9)
    s, problems = parse(raw, base)
    assert s == base
    assert len(problems) == 1 and problems[0].startswith(f"blockguide.{key}:") and "keeping" in problems[0]


def test_unknown_keys_are_reported_client_side_keys_are_not():
    s, problems = parse({"shiny": 1, "python": "/usr/bin/python3"})
    assert problems == ["unknown setting blockguide.shiny (ignored)"]


def test_a_whole_settings_tree_and_nulls():
    s, problems = parse({"blockguide": {"model": "x", "seed": None}})
    assert s.model == "x" and s.seed == 0 and problems == []
    assert parse("nonsense")[1] == ["blockguide settings must be an object, got str"]


def test_host_normalization():
    assert normalize_host("127.0.0.1") == "http://127.0.0.1:11434"
    assert normalize_host("https://models.example/ollama/") == "https://models.example/ollama"
    with pytest.raises(ValueError):
        normalize_host("")
