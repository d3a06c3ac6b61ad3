"""Several model servers behind one backend: spread, fail over when one dies mid-run, health checks."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys

import pytest

from blockguide.llm import BadAnswer, DraftRequest, ModelMissing, ModelTimeout, ModelUnreachable, guide_schema, make_backend
from blockguide.llm.ollama import OllamaBackend
from blockguide.llm.openai import OpenAIBackend
from blockguide.llm.pool import FIRST_BACKOFF, PoolBackend
from blockguide.settings import Settings, parse
from tests.replay.fake_ollama import FakeOllama, answer, guide_answer, http_error, refused_url, repetition, slow
from tests.replay.fake_openai import FakeOpenAI

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def request() -> DraftRequest:
    return DraftRequest([{"role": "user", "content": "document this"}], guide_schema(), 0.1, 0, 300)


def pool(*urls: str, timeout: float = 10, clock=None) -> PoolBackend:
    backends = [OpenAIBackend(u, "blockguide-tiny", timeout) for u in urls]
    return PoolBackend(backends, clock=clock) if clock else PoolBackend(backends)


def slow_guide(chunks: int = 10, delay: float = 0.03):
    return guide_answer(chunks=chunks, chunk_delay=delay)


async def run_all(p: PoolBackend, n: int, jobs: int):
    gate = asyncio.Semaphore(jobs)

    async def one():
        async with gate:
            return await p.draft(request())

    return await asyncio.gather(*(one() for _ in range(n)))


async def test_requests_are_spread_over_the_servers():
    with FakeOpenAI(default=slow_guide()) as a, FakeOpenAI(default=slow_guide()) as b:
        p = pool(a.url, b.url)
        results = await run_all(p, 8, jobs=4)  # 2 in flight on each at any time
        assert len(a.chat_requests) >= 3 and len(b.chat_requests) >= 3 and len(results) == 8
        assert {r.timings["host"] for r in results} == {a.url, b.url}
        na, nb = len(a.chat_requests), len(b.chat_requests)
        for _ in range(4):  # one at a time: taken in turn
            await p.draft(request())
        assert len(a.chat_requests) - na == 2 and len(b.chat_requests) - nb == 2


async def test_a_server_killed_mid_run_loses_no_request():
    with FakeOpenAI(default=slow_guide()) as a, FakeOpenAI(default=slow_guide()) as b:
        p = pool(a.url, b.url)
        work = asyncio.ensure_future(run_all(p, 10, jobs=4))
        await asyncio.get_running_loop().run_in_executor(None, a.wait_for_requests, 2)
        a.stop()  # streams in progress on `a` break; new connections are refused
        results = await work
        assert len(results) == 10 and all(json.loads(r.text)["steps"] for r in results)
        assert b.answered == 10 - a.answered and a.answered < 5
        stats = {s["host"]: s for s in p.stats()}
        assert stats[a.url]["up"] is False and "model server" in stats[a.url]["error"]
        assert stats[b.url]["up"] is True


async def test_a_server_process_killed_with_sigkill_mid_run():
    proc = subprocess.Popen([sys.executable, "-m", "tests.replay.fake_openai", "--port", "0", "--chunk-delay", "0.05",
                             "--chunks", "12"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with FakeOpenAI(default=slow_guide(12)) as b:
            p = pool(url, b.url)
            work = asyncio.ensure_future(run_all(p, 8, jobs=4))
            await asyncio.sleep(0.3)  # both servers are streaming now
            proc.send_signal(signal.SIGKILL)
            results = await work
            assert len(results) == 8
            assert {s["host"]: s["up"] for s in p.stats()} == {url: False, b.url: True}
    finally:
        proc.kill()
        proc.wait()


async def test_a_server_that_comes_back_is_probed_and_used_again():
    now = [1000.0]
    with FakeOpenAI() as a, FakeOpenAI() as b:
        p = pool(a.url, b.url, clock=lambda: now[0])
        a.stop()
        for _ in range(3):
            assert (await p.draft(request())).timings["host"] == b.url
        a.start()  # same port
        assert (await p.draft(request())).timings["host"] == b.url  # still in back-off: not tried
        now[0] += FIRST_BACKOFF + 0.1
        hosts = [(await p.draft(request())).timings["host"] for _ in range(4)]
        assert a.url in hosts  # probed (GET /v1/models) in the background, back, and given work
        assert any(r.path == "/v1/models" for r in a.requests)


async def test_when_every_server_is_down_the_error_names_them():
    a, b = refused_url(), refused_url()
    p = pool(a, b)
    with pytest.raises(ModelUnreachable) as info:
        await p.draft(request())
    message = str(info.value)
    assert "None of the 2 model servers" in message and a in message and b in message
    assert "Cannot reach the model server" in message
    with pytest.raises(ModelUnreachable, match="None of the 2 model servers answers"):
        await p.draft(request())  # both out: probed at once, still down


async def test_missing_model_fails_over_and_is_reported_when_everywhere():
    with FakeOpenAI(models=["other"]) as a, FakeOpenAI() as b:
        p = pool(a.url, b.url)
        for _ in range(3):
            assert (await p.draft(request())).timings["host"] == b.url
    with FakeOpenAI(models=["other"]) as a, FakeOpenAI(models=["other"]) as b:
        with pytest.raises(ModelMissing, match="not available.*on all 2 model servers"):
            await pool(a.url, b.url).draft(request())


async def test_a_busy_server_is_skipped_for_the_request_but_stays_in():
    with FakeOpenAI([http_error(503, "server busy")]) as a, FakeOpenAI() as b:
        p = pool(a.url, b.url)
        assert (await p.draft(request())).timings["host"] == b.url
        assert all(s["up"] for s in p.stats())


async def test_bad_answers_and_timeouts_are_not_retried_elsewhere():
    with FakeOpenAI([repetition()]) as a, FakeOpenAI() as b:
        with pytest.raises(BadAnswer):
            await pool(a.url, b.url).draft(request())
        assert b.chat_requests == []
    with FakeOpenAI([slow(3)]) as a, FakeOpenAI() as b:
        p = pool(a.url, b.url, timeout=1)
        with pytest.raises(ModelTimeout):
            await p.draft(request())
        assert b.chat_requests == [] and p.stats()[0]["up"] is False  # probed before it gets more work


async def test_health_reports_every_server():
    with FakeOpenAI() as a:
        dead = refused_url()
        checks = await pool(a.url, dead).health()
        assert checks[0][:3] == ("hosts", False, f"1 of 2 model servers ready ({a.url}, {dead})")
        assert any(c[1] is False and dead in c[2] for c in checks[1:])
        assert any(c[0] == "model" and c[1] and a.url in c[2] for c in checks)


async def test_ollama_hosts_pool_too_and_survive_a_kill():
    slow_ollama = guide_answer(chunks=10, chunk_delay=0.05)
    with FakeOllama(default=slow_ollama) as a, FakeOllama(default=slow_ollama) as b:
        settings, problems = parse({"ollamaHost": a.url, "hosts": [b.url, a.url]})
        assert problems == [] and settings.all_hosts() == [a.url, b.url]
        p = make_backend(settings)
        assert isinstance(p, PoolBackend) and all(isinstance(h.backend, OllamaBackend) for h in p.hosts)
        work = asyncio.ensure_future(run_all(p, 8, jobs=4))
        await asyncio.get_running_loop().run_in_executor(None, lambda: a.wait_for_requests(2, "/api/chat"))
        a.stop()
        assert len(await work) == 8


def test_hosts_setting_is_validated():
    s, problems = parse({"hosts": ["127.0.0.1:8081", "http://127.0.0.1:8081/"]})
    assert problems == [] and s.hosts == ("http://127.0.0.1:8081",)
    for bad in ("http://a:1", ["ftp://x"], [1], ["h"] * 17):
        s, problems = parse({"hosts": bad})
        assert s.hosts == () and len(problems) == 1 and problems[0].startswith("blockguide.hosts:")
    assert make_backend(Settings(hosts=())).__class__ is OllamaBackend
    p = make_backend(Settings(backend="openai", ollama_host="http://127.0.0.1:1", hosts=("http://127.0.0.1:2",)))
    assert isinstance(p, PoolBackend) and p.host == "http://127.0.0.1:1, http://127.0.0.1:2"
    assert all(isinstance(h.backend, OpenAIBackend) for h in p.hosts)


async def test_progress_keeps_coming_from_the_server_that_answers():
    with FakeOpenAI([answer(json.dumps({"x": 1}), chunks=5)]) as a:
        seen: list[int] = []
        await pool(a.url).draft(request(), seen.append)
        assert seen == [1, 2, 3, 4, 5]
