"""The command line run as a user runs it: a separate process, its output and exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def run(*args: str, cwd: Path, env_db: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INCIDENT_DESK_USER": "cli-test"}
    env.pop("INCIDENT_DESK_DB", None)
    if env_db:
        env["INCIDENT_DESK_DB"] = env_db
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_bytes(*args: str | bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """As ``run``, with arguments that may be bytes that are not UTF-8."""
    env = {**os.environ, "INCIDENT_DESK_USER": "cli-test"}
    env.pop("INCIDENT_DESK_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
