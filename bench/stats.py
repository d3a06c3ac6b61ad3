"""Percentiles and formatting."""

from __future__ import annotations

import math


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = max(0, min(len(xs) - 1, math.ceil(p / 100 * len(xs)) - 1))
    return xs[k]


def p50(values: list[float]) -> float:
    return pct(values, 50)


def p95(values: list[float]) -> float:
    return pct(values, 95)


def ms(x: float) -> str:
    if x != x:
        return "n/a"
    return f"{x:.2f} ms" if x < 10 else f"{x:.0f} ms" if x < 10_000 else f"{x / 1000:.1f} s"


def summary(values: list[float]) -> str:
    return f"p50 {ms(p50(values))}, p95 {ms(p95(values))} (n={len(values)})"
