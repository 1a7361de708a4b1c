"""What every scenario shares: the machine and code a result was measured on, throwaway
databases (a SQLite file, and a fresh PostgreSQL schema when a URL is given), the
runtime built from settings exactly as `python -m bot run` builds it, and a task run in a
fresh process of its own (`spawn`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.settings import ROOT, Settings

PACKAGES = ("rasa", "python-telegram-bot", "SQLAlchemy", "aiohttp")


def _first_line(path: str, prefix: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def machine() -> dict[str, Any]:
    memory = _first_line("/proc/meminfo", "MemTotal")
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count()
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu": _first_line("/proc/cpuinfo", "model name") or platform.processor() or None,
        "memory_gb": round(int(memory.split()[0]) / 1024**2, 1) if memory else None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": versions,
    }


def code() -> dict[str, Any]:
    """The commit measured, and whether the working tree had changes on top of it."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(status) if status is not None else None,
    }


def peak_rss_mb() -> float:
    """This process's peak resident set so far, in MB (Linux reports ru_maxrss in KB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@contextlib.contextmanager
def database(kind: str, postgres_url: str | None = None) -> Iterator[str]:
    """A throwaway database's SQLAlchemy URL: "sqlite" is a file in a temporary directory,
    "postgresql" a fresh schema at `postgres_url`. Removed afterwards."""
    if kind == "postgresql":
        if not postgres_url:
            raise ValueError("a PostgreSQL URL is needed")
        with postgres_schema(postgres_url) as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="voz-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'voz.db'}"


@contextlib.contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped after."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, future=True)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in url else "?"
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def settings(database_url: str, workdir: Path, **overrides: Any) -> Settings:
    """Settings for a bench run: its own database and pseudonym key; the project's models."""
    model_dir = Path(os.environ.get("MODEL_DIR", "").strip() or Settings.model_dir)
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": secrets.token_hex(32),
        "key_file": workdir / "secret.key",
        "model_dir": model_dir,
        "log_level": "WARNING",
        **overrides,
    }
    return Settings(**values)


def build_runtime(settings: Settings):  # type: ignore[no-untyped-def]
    """`bot.runtime.build`: migrate, load the key, train if needed, load Rasa. Rasa prints
    while loading; that goes to stderr so stdout keeps only the results."""
    from bot import runtime

    with contextlib.redirect_stdout(sys.stderr):
        return runtime.build(settings)


def spawn(module: str, *args: str) -> dict[str, Any]:
    """Run `python -m <module> <args> --started <now>` in a fresh process (so imports, load
    and memory are its own) and return the JSON object on its last line of output."""
    command = [sys.executable, "-m", module, *args, "--started", repr(time.time())]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[2:])} failed (exit {done.returncode}):\n{done.stderr[-3000:]}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])
