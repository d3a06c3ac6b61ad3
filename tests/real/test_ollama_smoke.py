"""Smoke test: the bundled model answers a Guide as JSON through the real `ollama` client."""

from __future__ import annotations

import json

import ollama
import pytest

from tests.support.real_ollama import GUIDE_SCHEMA, MODEL

pytestmark = pytest.mark.real_ollama

CODE = '''\
def retry(fn, attempts=3, delay=0.5):
    """Call fn until it succeeds or attempts run out."""
    last = None
    for i in range(attempts):
        try:
            return fn()
        except Exception as exc:
            last = exc
            time.sleep(delay * (2 ** i))
    raise last
'''


def test_bundled_model_answers_a_guide_as_json(ollama_host):
    client = ollama.Client(host=ollama_host, timeout=300)
    messages = [
        {
            "role": "system",
            "content": "You write short documentation guides for code blocks. Answer with JSON only: "
            "title, description, steps (label, detail), example (language, code).",
        },
        {"role": "user", "content": f"Write a guide for this Python code block:\n```python\n{CODE}```"},
    ]
    parts, last = [], None
    for chunk in client.chat(
        model=MODEL,
        messages=messages,
        format=GUIDE_SCHEMA,
        options={"temperature": 0.2, "seed": 0, "num_predict": 400},
        stream=True,
    ):
        parts.append(chunk.message.content or "")
        last = chunk
    assert last is not None and last.done
    text = "".join(parts)
    assert last.done_reason == "stop", f"cut off after {last.eval_count} tokens: {text[-300:]!r}"
    guide = json.loads(text, strict=False)
    assert set(GUIDE_SCHEMA["required"]) <= guide.keys()
    assert isinstance(guide["title"], str) and isinstance(guide["description"], str)
    assert isinstance(guide["steps"], list)
    for step in guide["steps"]:
        assert {"label", "detail"} <= step.keys()
    assert {"language", "code"} <= guide["example"].keys()


def test_missing_model_is_a_404_response_error(ollama_host):
    client = ollama.Client(host=ollama_host)
    with pytest.raises(ollama.ResponseError) as info:
        client.chat(model="blockguide-no-such-model", messages=[{"role": "user", "content": "hi"}])
    assert info.value.status_code == 404
    assert "not found" in info.value.error
