"""Ollama through the official `ollama` Python client (chat API, structured output, streaming)."""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Callable

import httpx


def _import_ollama():
    """The `ollama` package builds a default client from OLLAMA_HOST as it is imported, so a malformed
    OLLAMA_HOST makes the import itself fail (and with it the language server's start). We never use that
    client: import it without the variable, and let our own clients report the bad host."""
    try:
        import ollama
    except ValueError:
        saved = os.environ.pop("OLLAMA_HOST", None)
        try:
            import ollama
        finally:
            if saved is not None:
                os.environ["OLLAMA_HOST"] = saved
    return ollama


ollama = _import_ollama()

from blockguide.llm.base import (
    BackendError,
    BadAnswer,
    DraftRequest,
    DraftResult,
    ModelMissing,
    ModelTimeout,
    ModelNotRunning,
    ModelUnreachable,
    parse_parameter_size,
)

log = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 24_000  # far above a good guide; past it the model is looping
_REPEAT = re.compile(r"(.{8,80}?)\1{12,}", re.DOTALL)


def missing_model_message(model: str, host: str) -> str:
    if model == "blockguide-tiny":
        fix = f"run `blockguide model install --host {host}` (it puts the bundled model, a ~93 MB download, there)"
    else:
        fix = f"run `ollama pull {model}` on a machine with internet, or choose another `blockguide.model`"
    return f"The model '{model}' is not available in Ollama at {host}: {fix}."


def bad_host_message(host: str, problem: object) -> str:
    return (f"The Ollama host {host!r} is not a valid URL ({problem}): set the `blockguide.ollamaHost` setting "
            f"(or OLLAMA_HOST) to a URL such as http://127.0.0.1:11434.")


def unreachable_message(host: str) -> str:
    return (f"Cannot reach Ollama at {host}: start it with `ollama serve` (or `make ollama-serve`), "
            f"or point the `blockguide.ollamaHost` setting at a running server.")


class OllamaBackend:
    def __init__(self, host: str, model: str, timeout: float) -> None:
        self.host = host
        self.model = model
        self.timeout = timeout
        self._params_b: float | None = None
        self._params_known = False

    def _client(self) -> ollama.AsyncClient:
        """A client for the configured host; BackendError when the host is not a usable URL."""
        try:
            # No redirects and no proxies from the environment: traffic goes to the configured host only.
            return ollama.AsyncClient(
                host=self.host, timeout=httpx.Timeout(self.timeout, connect=min(5.0, self.timeout)),
                follow_redirects=False, trust_env=False,
            )
        except ValueError as exc:
            raise BackendError(bad_host_message(self.host, exc)) from None

    async def draft(self, request: DraftRequest, on_token: Callable[[int], None] | None = None) -> DraftResult:
        started = time.monotonic()
        pieces: list[str] = []
        tokens = 0
        final = None
        client = self._client()
        try:
            stream = await client.chat(
                model=self.model, messages=request.messages, format=request.schema, stream=True,
                options={"temperature": request.temperature, "seed": request.seed,
                         "num_predict": request.max_tokens},
            )
            async for chunk in stream:
                piece = chunk.message.content or ""
                pieces.append(piece)
                tokens += 1
                if on_token is not None:
                    on_token(tokens)
                if chunk.done:
                    final = chunk
                    break
                if tokens % 64 == 0:
                    so_far = "".join(pieces)
                    if len(so_far) > MAX_ANSWER_CHARS:
                        raise BadAnswer(f"the model's answer ran past {MAX_ANSWER_CHARS} characters")
                    if _REPEAT.search(so_far[-2000:]):
                        raise BadAnswer("the model started repeating itself")
        except ollama.ResponseError as exc:
            if exc.status_code == 404 or "not found" in str(exc.error).lower():
                raise ModelMissing(missing_model_message(self.model, self.host)) from None
            raise BackendError(f"Ollama at {self.host} answered with an error ({exc.status_code}): "
                               f"{str(exc.error)[:300]}") from None
        except (ConnectionError, httpx.ConnectError):
            raise ModelNotRunning(unreachable_message(self.host)) from None
        except httpx.UnsupportedProtocol as exc:
            raise BackendError(bad_host_message(self.host, exc)) from None
        except httpx.TimeoutException:
            raise ModelTimeout(f"Ollama at {self.host} did not answer within {self.timeout:g} s: raise the "
                               f"`blockguide.timeout` setting or choose a smaller model.") from None
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise ModelUnreachable(f"The connection to Ollama at {self.host} broke during generation "
                                   f"({type(exc).__name__}); check that the server is still running.") from None
        except ValueError as exc:  # bad host URL, or a reply the client cannot parse
            raise BackendError(f"Could not talk to Ollama at {self.host}: {exc}") from None
        finally:
            await client.close()
        text = "".join(pieces)
        if final is None:
            raise ModelUnreachable(f"Ollama at {self.host} ended the answer early; check the server's log.")
        return DraftResult(
            text=text, tokens=final.eval_count or tokens, prompt_tokens=final.prompt_eval_count or 0,
            stop_reason=final.done_reason or "", timings={"seconds": time.monotonic() - started},
        )

    async def parameter_count(self) -> float | None:
        """Billions of parameters from `/api/show` (`details.parameter_size`, e.g. "134.52M", else
        `model_info["general.parameter_count"]`); None when Ollama does not say. A server that cannot be asked
        (down, model missing) gives None too, and is asked again next time; an answer is kept."""
        if self._params_known:
            return self._params_b
        try:
            client = self._client()
        except BackendError:
            return None
        try:
            shown = await client.show(self.model)
        except Exception as exc:  # unreachable, model missing, bad answer: the size is unknown for now
            log.info("could not read the size of %s at %s: %s", self.model, self.host, exc)
            return None
        finally:
            await client.close()
        details = getattr(shown, "details", None)
        size = parse_parameter_size(getattr(details, "parameter_size", None))
        if size is None:
            info = getattr(shown, "modelinfo", None) or {}
            size = parse_parameter_size(info.get("general.parameter_count"))
        self._params_b, self._params_known = size, True
        return size

    async def health(self) -> list[tuple[str, bool, str, str]]:
        try:
            client = self._client()
        except BackendError as exc:
            return [("ollama", False, f"bad host {self.host!r}", str(exc))]
        checks: list[tuple[str, bool, str, str]] = []
        try:
            try:
                listed = await client.list()
            except httpx.UnsupportedProtocol as exc:
                return [("ollama", False, f"bad host {self.host!r}", bad_host_message(self.host, exc))]
            except (ConnectionError, httpx.TransportError):
                return [("ollama", False, f"no answer from {self.host}", unreachable_message(self.host))]
            except ValueError as exc:
                return [("ollama", False, f"bad host {self.host!r}: {exc}", "set `blockguide.ollamaHost` "
                         "to a URL such as http://127.0.0.1:11434")]
            checks.append(("ollama", True, f"answering at {self.host}", ""))
            names = {m.model for m in listed.models}
            have = self.model in names or f"{self.model}:latest" in names
            checks.append(("model", have, self.model + (" is installed" if have else " is not installed"),
                           "" if have else missing_model_message(self.model, self.host)))
        finally:
            await client.close()
        return checks
