"""Timing helpers and the child processes that measure start-up, import and memory.

Cold start, import and peak memory are measured in a fresh interpreter each (``python -m
benchmarks.child CASE ...``): what a process has already imported or allocated would
otherwise flatter or spoil the figure. A child prints one JSON object as its last line.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass
class Timer:
    """Collects the durations of repeated runs, in milliseconds."""

    samples: list[float] = field(default_factory=list)

    @contextmanager
    def run(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.samples.append((time.perf_counter() - start) * 1000)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else 0.0

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def worst(self) -> float:
        return max(self.samples, default=0.0)


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile (no interpolation: a reported p95 was really measured)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def child(case: str, *args: str, timeout: float = 600) -> dict[str, Any]:
    """Run ``python -m benchmarks.child CASE ARGS`` and return the JSON it printed last."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.child", case, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"benchmark child {case} failed ({done.returncode}):\n{done.stderr[-3000:]}"
        )
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def best_of(runs: int, case: str, *args: str) -> dict[str, Any]:
    """The run with the smallest ``seconds`` of several: start-up noise is one-sided."""
    results = [child(case, *args) for _ in range(runs)]
    return min(results, key=lambda r: float(r["seconds"]))
