"""N real bot replicas behind the shipped nginx config, as `deploy/` runs them: the harness the
replica test (tests/integration/test_replicas_nginx.py) and the bench (`--replicas N`) share.

What runs:
- the Bot API fake (botapi_fake) on its own event loop thread, counting breaches of
  Telegram's limits;
- a PostgreSQL database of its own (created from an admin URL, dropped at the end), migrated
  once with `python -m bot migrate`, as docs/deploy.md says, and the model trained once
  (`python -m bot train`, a no-op when it is up to date) before any replica starts;
- N `python -m bot run` processes in webhook mode (each its WEBHOOK_PORT), one VOZ_SECRET_KEY,
  REDIS_URL, the fake as TELEGRAM_API_BASE_URL;
- Debian's nginx running `deploy/nginx/voz.conf` as shipped, with only its upstream `server`
  lines and its `listen` port replaced by local ones, and an access log naming the replica that
  answered each request.

The caller plays Telegram: `post` sends an update through nginx with the secret, and, as
Telegram does, sends it again while the answer is not 200; `deliver` sends many, each chat's
in turn and different chats at once, as Telegram's webhook does.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from botapi_fake import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
NGINX_CONF = ROOT / "deploy" / "nginx" / "voz.conf"
SECRET = "replica-Test_secret"
TOKEN = "424242:AAFakeTokenForReplicas_abcdefghij"
PROTECTION_CHAT = -1001234567890
OFFICER = 555000111
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )


def nginx_site(shipped: str, replicas: list[int], port: int) -> str:
    """The shipped site config with the local replicas' ports and nginx's port: its
    `server host:port ...;` lines inside `upstream` become one per replica, with the same
    options; everything else is kept as shipped."""
    upstream = re.search(r"upstream\s+\w+\s*\{(.*?)\n\}", shipped, re.S)
    if upstream is None:
        raise ValueError(f"{NGINX_CONF} has no upstream block")
    servers = re.findall(r"^(\s*)server\s+\S+?(\s[^;]*)?;", upstream.group(1), re.M)
    if not servers:
        raise ValueError(f"{NGINX_CONF}: the upstream names no server")
    indent, options = servers[0]
    lines = "".join(f"{indent}server 127.0.0.1:{p}{options or ''};\n" for p in replicas)
    body = re.sub(r"^\s*server\s+\S+?(\s[^;]*)?;\n", "", upstream.group(1), flags=re.M)
    site = shipped.replace(upstream.group(1), "\n" + lines.rstrip("\n") + body, 1)
    site, count = re.subn(r"^(\s*)listen\s+\d+;", rf"\1listen 127.0.0.1:{port};", site, flags=re.M)
    if count != 1:
        raise ValueError(f"{NGINX_CONF}: expected one `listen PORT;`, found {count}")
    return site


def _chat_of(update: dict[str, Any]) -> int:
    """The chat an update belongs to (a message's, or a pressed button's message's)."""
    message = update.get("message") or update.get("callback_query", {}).get("message", {})
    chat: int = message["chat"]["id"]
    return chat


class FakeThread:
    """The Bot API fake on an event loop of its own thread, so it answers the replicas while
    the caller blocks. `call` runs a function on that loop (the fake is not thread-safe)."""

    def __init__(self, overall_per_second: int = 30) -> None:
        self.loop = asyncio.new_event_loop()
        self.api = FakeBotApi(token=TOKEN, overall_per_second=overall_per_second)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.api.start(), self.loop).result(10)

    def call(self, function: Callable[[], T]) -> T:
        async def run() -> T:
            return function()

        future: Future[T] = asyncio.run_coroutine_threadsafe(run(), self.loop)
        return future.result(10)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.api.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


class Stack:
    """See the module docstring. Use as a context manager; `workdir` keeps every log."""

    def __init__(
        self,
        workdir: Path,
        admin_url: str,
        redis_url: str,
        replicas: int = 2,
        model_dir: Path = ROOT / "models",
        environment: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.admin_url = admin_url
        self.redis_url = redis_url
        self.count = replicas
        self.model_dir = model_dir
        self.extra = environment or {}
        self.database = f"replicas_{uuid.uuid4().hex[:12]}"
        self.database_url = admin_url.rsplit("/", 1)[0] + "/" + self.database
        # Breaches of the overall limit are counted against the rate the bot is given.
        self.fake = FakeThread(int(self.extra.get("TELEGRAM_MAX_RATE", "30")))
        self.ports = [free_port() for _ in range(replicas)]
        self.nginx_port = free_port()
        self.processes: list[subprocess.Popen[bytes] | None] = []
        self.nginx: subprocess.Popen[bytes] | None = None
        self.update_id = 100

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def environment(self, port: int) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "DATABASE_URL", "REDIS_URL"}
        }
        env.update(
            PYTHONPATH=str(ROOT),
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=self.fake.api.base_url.removesuffix("/bot"),
            WEBHOOK_URL="https://bot.example.org",
            WEBHOOK_SECRET=SECRET,
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(port),
            DATABASE_URL=self.database_url,
            VOZ_SECRET_KEY="r" * 64,
            REDIS_URL=self.redis_url,
            PROTECTION_CHAT_ID=str(PROTECTION_CHAT),
            OFFICER_IDS=str(OFFICER),
            MODEL_DIR=str(self.model_dir),
            LOG_LEVEL="INFO",
            RASA_TELEMETRY_ENABLED="false",
            OMP_NUM_THREADS="1",
        )
        env.update(self.extra)
        return env

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._sql(f'CREATE DATABASE "{self.database}"')
        self._clear_redis()
        self.fake.start()
        subprocess.run(
            [sys.executable, "-m", "bot", "migrate"],
            env=self.environment(self.ports[0]),
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=300,
        )
        # Trained once here if its inputs changed, never by two replicas at once.
        self.cli("train")
        self.processes = [self._spawn(index) for index in range(self.count)]
        for index in range(self.count):
            self.wait_ready(index)
        self._start_nginx()

    def cli(self, *args: str) -> str:
        """`python -m bot ARGS` with the replicas' settings (e.g. `campaigns open ID`)."""
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=self.environment(self.ports[0]),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"python -m bot {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def _spawn(self, index: int) -> subprocess.Popen[bytes]:
        log = open(self.workdir / f"replica-{index}.log", "ab")  # noqa: SIM115 - kept by Popen
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=self.environment(self.ports[index]),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, index: int, timeout: float = 420.0) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.ports[index]}/readyz"
        while time.monotonic() < deadline:
            process = self.processes[index]
            if process is not None and process.poll() is not None:
                raise RuntimeError(
                    f"replica {index} exited; see {self.workdir}/replica-{index}.log"
                )
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise TimeoutError(f"replica {index} not ready in {timeout:.0f} s")

    def _start_nginx(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        site = self.workdir / "voz.conf"
        site.write_text(nginx_site(NGINX_CONF.read_text(), self.ports, self.nginx_port))
        temp = self.workdir / "nginx-temp"
        temp.mkdir(exist_ok=True)
        user = "user root;\n" if os.geteuid() == 0 else ""
        main = self.workdir / "nginx.conf"
        main.write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {self.workdir}/nginx.pid;\n"
            f"error_log {self.workdir}/nginx-error.log warn;\n"
            # Every child waiting for its 200 holds a connection, and its upstream one
            # another: at 1,200 children, 1,024 were not enough (thousands of refused
            # accepts, each retried by the bench). Telegram itself opens at most its
            # webhook's max_connections (40 by default, 100 at most).
            "worker_rlimit_nofile 16384;\n"
            "events { worker_connections 8192; }\n"
            "http {\n"
            "  log_format replica '$request_uri $status $upstream_addr $upstream_status';\n"
            f"  access_log {self.workdir}/nginx-access.log replica;\n"
            + "".join(
                f"  {kind}_temp_path {temp}/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            )
            + f"  include {site};\n}}\n"
        )
        check = subprocess.run([binary, "-t", "-c", str(main)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx refused the config: {check.stderr}")
        self.nginx = subprocess.Popen(
            [binary, "-c", str(main), "-p", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "nginx-stderr.log", "ab"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise TimeoutError("nginx did not start")

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for process in self.processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in self.processes:
            if process is not None:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        if self.fake._thread.is_alive():
            self.fake.stop()
        try:
            self._sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - best effort; the name is unique per run
            pass

    def kill(self, index: int) -> None:
        """SIGKILL replica `index`, as a crash would."""
        process = self.processes[index]
        assert process is not None
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    # ------------------------------------------------------------------ helpers
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def _sql(self, statement: str) -> None:
        import psycopg2

        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def _clear_redis(self) -> None:
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            keys = list(client.scan_iter("voz:telegram:*"))
            if keys:
                client.delete(*keys)
        finally:
            client.close()

    def post(self, update: dict[str, Any], attempts: int = 20) -> int:
        """Deliver `update` through nginx as Telegram would: again while not answered 200
        (after 0.5 s, 1 s, ... up to 5 s). Returns how many attempts it took."""
        body = json.dumps(update).encode()
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        for attempt in range(1, attempts + 1):
            request = urllib.request.Request(f"{self.url}/telegram", body, headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    if answer.status == 200:
                        return attempt
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(min(0.5 * attempt, 5.0))
        raise AssertionError(f"update {update.get('update_id')} never answered 200")

    def deliver(self, updates: list[dict[str, Any]]) -> None:
        """Deliver many updates as Telegram's webhook does: each chat's one at a time in
        `update_id` order, the next only once the last was answered 200 (Telegram waits for
        the request to end before it sends a chat's next update), different chats at once."""
        chats: dict[int, list[dict[str, Any]]] = {}
        for update in sorted(updates, key=lambda u: int(u["update_id"])):
            chats.setdefault(_chat_of(update), []).append(update)

        def in_turn(queue: list[dict[str, Any]]) -> None:
            for update in queue:
                self.post(update)

        threads = [threading.Thread(target=in_turn, args=(queue,)) for queue in chats.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def text(self, user: int, text: str) -> dict[str, Any]:
        """A text update from `user` in their private chat (the fake assigns the ids)."""
        update: dict[str, Any] = self.fake.call(lambda: self.fake.api.push_text(user, text))
        return update

    def press(self, user: int, data: str, message_id: int) -> dict[str, Any]:
        update: dict[str, Any] = self.fake.call(
            lambda: self.fake.api.push_callback(user, data, message_id)
        )
        return update

    def replicas_seen(self) -> list[str]:
        """The replica (host:port) that answered each POST /telegram, in order."""
        log = self.workdir / "nginx-access.log"
        if not log.exists():
            return []
        return [
            line.split()[2]
            for line in log.read_text().splitlines()
            if line.startswith("/telegram") and line.split()[1] == "200"
        ]

    def rss_mb(self) -> list[float]:
        """Each live replica's resident memory (VmRSS), in MB."""
        sizes = []
        for process in self.processes:
            if process is None or process.poll() is not None:
                continue
            status = Path(f"/proc/{process.pid}/status").read_text()
            kb = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
            )
            sizes.append(kb / 1024)
        return sizes
