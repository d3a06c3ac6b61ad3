"""Several model servers behind one Backend: requests are spread over them, a server that fails is taken
out and probed before it gets work again, and a request that hits a dead server goes to the next one.

- **Spread:** each request goes to the up server with the fewest requests in flight (ties: round robin).
- **Fail over:** ModelUnreachable (refused, reset, cut off mid-stream) and ModelMissing take the server out
  and retry the request on another one; so do other server errors (e.g. 503 busy), without taking it out.
  BadAnswer (the model's fault) and ModelTimeout are not retried: another server would take as long.
  A timeout still takes the server out, so a hung server is probed before it gets more work.
- **Health checks:** a server that is out is probed (`health()`, a few seconds at most) once its back-off
  has passed (2 s, doubling up to 60 s): in the background while other servers take the work, or at once
  when no server is up. A passing probe brings it back.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from blockguide.llm.base import (
    Backend,
    BackendError,
    BadAnswer,
    DraftRequest,
    DraftResult,
    ModelMissing,
    ModelTimeout,
    ModelNotRunning,
    ModelUnreachable,
)

log = logging.getLogger(__name__)

FIRST_BACKOFF = 2.0
MAX_BACKOFF = 60.0
PROBE_TIMEOUT = 5.0


@dataclass
class Host:
    backend: Backend
    up: bool = True
    inflight: int = 0
    failures: int = 0  # consecutive; sets the back-off
    retry_at: float = 0.0
    last_error: str = ""
    served: int = 0
    lock: asyncio.Lock | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return self.backend.host

    def mark_down(self, reason: str, now: float, quiet: bool = False) -> None:
        if self.up and not quiet:
            log.warning("model server %s is out: %s", self.url, reason)
        self.up = False
        self.failures += 1
        self.retry_at = now + min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (self.failures - 1))
        self.last_error = reason

    def mark_up(self) -> None:
        if not self.up:
            log.info("model server %s is back", self.url)
        self.up = True
        self.failures = 0
        self.last_error = ""


class PoolBackend:
    """A Backend over several backends (one per model server) for the same model."""

    def __init__(self, backends: Sequence[Backend], clock: Callable[[], float] = time.monotonic) -> None:
        if not backends:
            raise ValueError("a pool needs at least one backend")
        self.hosts = [Host(b) for b in backends]
        self.model = backends[0].model
        self.host = ", ".join(h.url for h in self.hosts)
        self._clock = clock
        self._turn = itertools.count()
        self._probes: set[asyncio.Task] = set()
        self._params_b: float | None = None

    # --- choosing -----------------------------------------------------------------------------------
    def _pick(self, tried: set[int]) -> Host | None:
        up = [(h.inflight, i) for i, h in enumerate(self.hosts) if h.up and i not in tried]
        if not up:
            return None
        fewest = min(n for n, _ in up)
        tied = [i for n, i in up if n == fewest]
        return self.hosts[tied[next(self._turn) % len(tied)]]

    async def _revive(self, tried: set[int]) -> Host | None:
        """A server that was out and passes a probe now: those due first, all of them when none is up."""
        now = self._clock()
        none_up = not any(h.up for i, h in enumerate(self.hosts) if i not in tried)
        due = sorted((h.retry_at, i) for i, h in enumerate(self.hosts)
                     if not h.up and i not in tried and (none_up or h.retry_at <= now))
        if not due:
            return None
        results = await asyncio.gather(*(self._probe(self.hosts[i]) for _, i in due))
        alive = [self.hosts[i] for (_, i), ok in zip(due, results) if ok]
        return min(alive, key=lambda h: h.inflight) if alive else None

    def _probe_due(self) -> None:
        """Probe, in the background, the servers that are out and whose back-off has passed."""
        now = self._clock()
        for host in self.hosts:
            if not host.up and host.retry_at <= now and (host.lock is None or not host.lock.locked()):
                host.retry_at = now + PROBE_TIMEOUT  # one probe at a time; its result sets the next time
                task = asyncio.ensure_future(self._probe(host))
                self._probes.add(task)
                task.add_done_callback(self._probes.discard)

    async def _probe(self, host: Host) -> bool:
        if host.lock is None:
            host.lock = asyncio.Lock()
        async with host.lock:
            if host.up:  # another request's probe brought it back meanwhile
                return True
            try:
                checks = await asyncio.wait_for(host.backend.health(), PROBE_TIMEOUT)
            except asyncio.TimeoutError:
                checks = [("server", False, f"no answer within {PROBE_TIMEOUT:g} s", "")]
            except Exception as exc:  # a probe never breaks a request
                checks = [("server", False, f"{type(exc).__name__}: {exc}", "")]
            bad = [c for c in checks if not c[1]]
            if bad:
                host.mark_down(bad[0][2], self._clock())
                return False
            host.mark_up()
            return True

    # --- the Backend interface ------------------------------------------------------------------------
    async def draft(self, request: DraftRequest, on_token: Callable[[int], None] | None = None) -> DraftResult:
        tried: set[int] = set()
        errors: list[tuple[Host, BackendError]] = []
        self._probe_due()
        while True:
            host = self._pick(tried) or await self._revive(tried)
            if host is None:
                raise self._all_failed(errors)
            index = self.hosts.index(host)
            tried.add(index)
            host.inflight += 1
            try:
                result = await host.backend.draft(request, on_token)
            except BadAnswer:
                raise
            except ModelTimeout as exc:
                host.mark_down(str(exc), self._clock())
                raise
            except BackendError as exc:
                if isinstance(exc, (ModelUnreachable, ModelMissing)):
                    host.mark_down(str(exc), self._clock())
                errors.append((host, exc))
                log.info("model server %s failed (%s); trying another", host.url, exc)
                continue
            finally:
                host.inflight -= 1
            host.served += 1
            result.timings["host"] = host.url
            return result

    async def parameter_count(self) -> float | None:
        """The model's size as the first server that is up reports it (servers that are out are asked only
        when none is up); None when none says. Kept once known."""
        if self._params_b is not None:
            return self._params_b
        order = [h for h in self.hosts if h.up] + [h for h in self.hosts if not h.up]
        for host in order:
            ask = getattr(host.backend, "parameter_count", None)
            if ask is None:
                continue
            try:
                size = await asyncio.wait_for(ask(), PROBE_TIMEOUT)
            except Exception:  # a size is never worth a failed request
                size = None
            if size is not None:
                self._params_b = size
                return size
        return None

    def _all_failed(self, errors: list[tuple[Host, BackendError]]) -> BackendError:
        n = len(self.hosts)
        if not errors:  # every server was out and failed its probe
            first = self.hosts[0]
            return ModelNotRunning(f"None of the {n} model servers answers ({self.host}). {first.last_error}")
        kinds = {type(e) for _, e in errors}
        last = errors[-1][1]
        if kinds == {ModelMissing}:
            return ModelMissing(f"{last} (the same on all {len(errors)} model servers tried)")
        if kinds == {ModelNotRunning}:
            return ModelNotRunning(f"None of the {n} model servers answers ({self.host}). {last}")
        if any(issubclass(k, ModelUnreachable) for k in kinds):
            return ModelUnreachable(f"None of the {n} model servers could answer ({self.host}). {last}")
        return type(last)(f"{last} (after trying {len(errors)} of {n} model servers)")

    async def health(self) -> list[tuple[str, bool, str, str]]:
        per_host = await asyncio.gather(*(self._health_of(h) for h in self.hosts))
        checks: list[tuple[str, bool, str, str]] = []
        answering = 0
        for host, host_checks in zip(self.hosts, per_host):
            ok = all(c[1] for c in host_checks)
            answering += ok
            if ok:
                host.mark_up()
            else:  # the checks say it; no log line
                host.mark_down(next(c[2] for c in host_checks if not c[1]), self._clock(), quiet=True)
            checks += [(name, good, f"{host.url}: {detail}" if host.url not in detail else detail, fix)
                       for name, good, detail, fix in host_checks]
        n = len(self.hosts)
        checks.insert(0, ("hosts", answering == n, f"{answering} of {n} model servers ready ({self.host})",
                          "" if answering == n else "start the servers marked FAIL below, or remove them from "
                          "`blockguide.hosts`; requests go to the others meanwhile"))
        return checks

    @staticmethod
    async def _health_of(host: Host) -> list[tuple[str, bool, str, str]]:
        try:
            return await asyncio.wait_for(host.backend.health(), PROBE_TIMEOUT)
        except asyncio.TimeoutError:
            return [("server", False, f"{host.url} gave no answer within {PROBE_TIMEOUT:g} s",
                     "check that the server is running and not overloaded")]

    def stats(self) -> list[dict]:
        """Per server: url, up, requests served, last error (for summaries and benchmarks)."""
        return [{"host": h.url, "up": h.up, "served": h.served, "error": h.last_error} for h in self.hosts]
