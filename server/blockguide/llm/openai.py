"""OpenAI-compatible chat completions (llama.cpp's `llama-server`, vLLM, LM Studio, ...) over httpx.

`POST {host}/v1/chat/completions`, streamed as server-sent events, with the guide's JSON schema as
`response_format` when the server takes it. Servers differ in what they accept, so the request steps down
once per backend: `json_schema` → `json_object` (the schema goes into the prompt) → no `response_format`,
and `stream_options` is dropped when a server rejects it. The step that worked is remembered.

Errors are the same classes as Ollama's (llm/base.py), with messages naming this kind of server.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Callable

import httpx

from blockguide.llm.base import (
    BackendError,
    BadAnswer,
    DraftRequest,
    DraftResult,
    ModelMissing,
    ModelTimeout,
    ModelNotRunning,
    ModelUnreachable,
)
from blockguide.llm.ollama import _REPEAT, MAX_ANSWER_CHARS

log = logging.getLogger(__name__)

FORMATS = ("json_schema", "json_object", "text")
API_KEY_ENV = "BLOCKGUIDE_API_KEY"  # sent as a bearer token when set (vLLM --api-key, llama-server --api-key)
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "schema", "grammar")


def api_base(host: str) -> str:
    """`http://h:8080` and `http://h:8080/v1` both mean the API at `http://h:8080/v1`."""
    host = host.rstrip("/")
    return host if host.endswith("/v1") else host + "/v1"


def unreachable_message(host: str) -> str:
    return (f"Cannot reach the model server at {host}: start it (llama.cpp `llama-server`, `vllm serve`, "
            f"LM Studio `lms server start`), or point the `blockguide.ollamaHost` / `blockguide.hosts` "
            f"settings at a running server.")


def missing_model_message(model: str, host: str) -> str:
    return (f"The model '{model}' is not available on the model server at {host}: load it there (llama.cpp "
            f"`-m`, vLLM `--served-model-name`, LM Studio `lms load`), or set `blockguide.model` to a model "
            f"it serves (`blockguide check` lists them).")


def _error_text(body: bytes) -> str:
    """The message of an error body, whatever the server's shape ({"error": {...}}, {"error": str}, {"message"})."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:300]
    if isinstance(data, dict):
        err = data.get("error", data)
        if isinstance(err, dict):
            return str(err.get("message") or err)[:300]
        if isinstance(err, str):
            return err[:300]
    return str(data)[:300]


class _Rejected(Exception):
    """The server refused a request option (response_format or stream_options); try without it."""


class OpenAIBackend:
    def __init__(self, host: str, model: str, timeout: float, api_key: str | None = None) -> None:
        self.host = host
        self.model = model
        self.timeout = timeout
        self.api_key = api_key if api_key is not None else os.environ.get(API_KEY_ENV) or None
        self.format = FORMATS[0]  # the richest response_format this server took so far
        self.stream_options = True  # ask for token usage in the stream

    def _client(self) -> httpx.AsyncClient:
        # No redirects and no proxies from the environment: traffic goes to the configured host only.
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        return httpx.AsyncClient(
            base_url=api_base(self.host), headers=headers, follow_redirects=False, trust_env=False,
            timeout=httpx.Timeout(self.timeout, connect=min(5.0, self.timeout)),
        )

    def _body(self, request: DraftRequest, fmt: str) -> dict:
        messages = [dict(m) for m in request.messages]
        if fmt != "json_schema":  # the server will not enforce the schema: say it in the prompt
            hint = ("The JSON object must follow this JSON schema:\n" + json.dumps(request.schema))
            messages.insert(0, {"role": "system", "content": hint})
        body: dict = {
            "model": self.model, "messages": messages, "stream": True,
            "temperature": request.temperature, "seed": request.seed, "max_tokens": request.max_tokens,
        }
        if self.stream_options:
            body["stream_options"] = {"include_usage": True}
        if fmt == "json_schema":
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "guide", "schema": request.schema}}
        elif fmt == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    async def draft(self, request: DraftRequest, on_token: Callable[[int], None] | None = None) -> DraftResult:
        started = time.monotonic()
        client = self._client()
        try:
            while True:
                fmt = self.format
                try:
                    result = await self._stream(client, self._body(request, fmt), on_token)
                except _Rejected as exc:
                    what = str(exc)
                    if what == "stream_options" and self.stream_options:
                        self.stream_options = False
                    elif fmt != FORMATS[-1]:
                        self.format = FORMATS[FORMATS.index(fmt) + 1]
                    else:
                        raise BackendError(f"The model server at {self.host} rejected the request: {what}") from None
                    log.info("%s rejected %s; trying %s", self.host, fmt if what != "stream_options" else what,
                             self.format if what != "stream_options" else "without it")
                    continue
                result.timings["seconds"] = time.monotonic() - started
                result.timings["response_format"] = fmt
                return result
        except (httpx.ConnectError, httpx.ConnectTimeout, ConnectionError):
            raise ModelNotRunning(unreachable_message(self.host)) from None
        except httpx.TimeoutException:
            raise ModelTimeout(f"The model server at {self.host} did not answer within {self.timeout:g} s: raise "
                               f"the `blockguide.timeout` setting or choose a smaller model.") from None
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise ModelUnreachable(f"The connection to the model server at {self.host} broke during generation "
                                   f"({type(exc).__name__}); check that the server is still running.") from None
        except ValueError as exc:  # a bad host URL
            raise BackendError(f"Could not talk to the model server at {self.host}: {exc}") from None
        finally:
            await client.aclose()

    async def _stream(self, client: httpx.AsyncClient, body: dict,
                      on_token: Callable[[int], None] | None) -> DraftResult:
        pieces: list[str] = []
        tokens = 0
        finish: str | None = None
        usage: dict = {}
        done = False
        async with client.stream("POST", "/chat/completions", json=body) as response:
            if response.status_code != 200:
                self._raise_for(response.status_code, _error_text(await response.aread()), body)
            data_lines: list[str] = []
            async for line in response.aiter_lines():
                if not line.startswith("data:"):
                    if not line.strip() and data_lines:  # the end of an event whose data never parsed
                        raise BackendError(f"The model server at {self.host} sent a malformed event: "
                                           f"{chr(10).join(data_lines)[:120]!r}")
                    continue  # comments, event names, keep-alives
                data_lines.append(line[5:].lstrip())
                data = "\n".join(data_lines)
                if data == "[DONE]":
                    done = True
                    break
                try:
                    event = json.loads(data)
                except ValueError:
                    continue  # an event spread over several data lines
                data_lines = []
                if not isinstance(event, dict):
                    continue
                if event.get("error"):
                    self._raise_for(500, _error_text(json.dumps(event).encode()), body)
                if isinstance(event.get("usage"), dict):
                    usage = event["usage"]
                for choice in event.get("choices") or []:
                    delta = choice.get("delta") or {}
                    piece = delta.get("content") or ""
                    if piece or delta.get("reasoning_content"):
                        pieces.append(piece)
                        tokens += 1
                        if on_token is not None:
                            on_token(tokens)
                        if tokens % 64 == 0:
                            self._check_runaway("".join(pieces))
                    if choice.get("finish_reason"):
                        finish = choice["finish_reason"]
        if finish is None and not done:
            raise ModelUnreachable(f"The model server at {self.host} ended the answer early; check the server's log.")
        return DraftResult(
            text="".join(pieces), tokens=int(usage.get("completion_tokens") or tokens),
            prompt_tokens=int(usage.get("prompt_tokens") or 0), stop_reason=finish or "stop",
        )

    @staticmethod
    def _check_runaway(so_far: str) -> None:
        if len(so_far) > MAX_ANSWER_CHARS:
            raise BadAnswer(f"the model's answer ran past {MAX_ANSWER_CHARS} characters")
        if _REPEAT.search(so_far[-2000:]):
            raise BadAnswer("the model started repeating itself")

    def _raise_for(self, status: int, message: str, body: dict) -> None:
        low = message.lower()
        if status in (400, 422, 500, 501) and "stream_options" in low and "stream_options" in body:
            raise _Rejected("stream_options")
        if status in (400, 422, 501) and "response_format" in body and any(w in low for w in _FORMAT_WORDS):
            raise _Rejected(message)
        if "model" in low and any(w in low for w in ("not found", "does not exist", "not loaded", "no models",
                                                      "unknown model", "invalid model")):
            raise ModelMissing(missing_model_message(self.model, self.host))
        if status == 404:
            raise BackendError(f"{self.host} does not serve the OpenAI chat API ({api_base(self.host)}"
                               f"/chat/completions answered 404): check the URL, or set `blockguide.backend` "
                               f"to `ollama`.")
        if status in (401, 403):
            raise BackendError(f"The model server at {self.host} refused the request ({status}: {message}): "
                               f"set the {API_KEY_ENV} environment variable to its API key.")
        raise BackendError(f"The model server at {self.host} answered with an error ({status}): {message}")

    async def parameter_count(self) -> float | None:
        """Unknown: the OpenAI API does not report a model's size (the role setting `auto` then phrases)."""
        return None

    async def models(self) -> list[dict]:
        """`GET /v1/models`: what the server serves. Raises httpx errors."""
        client = self._client()
        try:
            response = await client.get("/models")
            response.raise_for_status()
            data = response.json()
        finally:
            await client.aclose()
        return [m for m in (data.get("data") or []) if isinstance(m, dict)] if isinstance(data, dict) else []

    async def health(self) -> list[tuple[str, bool, str, str]]:
        try:
            served = await self.models()
        except (httpx.TransportError, ConnectionError):
            return [("server", False, f"no answer from {self.host}", unreachable_message(self.host))]
        except httpx.HTTPStatusError as exc:
            return [("server", False, f"{api_base(self.host)}/models answered {exc.response.status_code}",
                     "check the URL (an OpenAI-compatible server answers /v1/models), or set `blockguide.backend` "
                     "to `ollama`")]
        except ValueError as exc:
            return [("server", False, f"bad answer or host {self.host!r}: {exc}", "set `blockguide.ollamaHost` "
                     "to the server's URL, such as http://127.0.0.1:8080")]
        ids = [str(m.get("id")) for m in served]
        checks = [("server", True, f"OpenAI-compatible server answering at {self.host}", "")]
        # llama.cpp serves its one loaded model whatever name a request gives
        any_name = any(m.get("owned_by") == "llamacpp" for m in served)
        have = self.model in ids or any_name
        detail = (f"{self.model} is served" if self.model in ids else
                  f"llama.cpp answers any model name with {ids[0]}" if any_name and ids else
                  f"{self.model} is not served (served: {', '.join(ids) or 'none'})")
        checks.append(("model", have, detail, "" if have else missing_model_message(self.model, self.host)))
        return checks

