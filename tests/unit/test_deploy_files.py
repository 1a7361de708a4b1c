"""deploy/ stays true to the code: docs/deploy.md promises a reader can deploy N replicas
from it alone, and nothing builds or runs the compose file or the Dockerfile here (no Docker
on the development machine; the nginx config alone runs, in
tests/integration/test_replicas_nginx.py). So these read the files as Docker and Compose
would, and check them against the bot itself: its settings (`Settings.from_env` on the
environment a replica would get), its command line (`bot.cli.parser`), its webhook routes,
and the files it reads at run time. Each check is a helper returning what is wrong, and each
important one is shown to notice a broken copy.

What is not checked: that the image builds (pip, the base image) or that Compose accepts
the file beyond its YAML; try them on a staging host (docs/deploy.md says so)."""

from __future__ import annotations

import importlib
import ipaddress
import os
import pkgutil
import re
import shlex
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
import yaml

import bot
import consent
from bot import agent
from bot.channels.telegram.webhook import WebhookServer
from bot.cli import parser
from bot.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
ENV_EXAMPLE = DEPLOY / "env.example"
NGINX = DEPLOY / "nginx" / "voz.conf"
GUIDE = ROOT / "docs" / "deploy.md"
# What the bot writes at run time (gitignored), not part of the image.
WRITTEN_AT_RUN_TIME = ("var", "models")
PLACEHOLDER = "1"  # what an operator types into a blank of env.example, as far as parsing goes
NAME = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")


# -- reading the files ----------------------------------------------------------------------


def env_file(text: str) -> dict[str, str]:
    """The NAME=value lines of an env file (not the commented ones), as Compose reads them."""
    values = {}
    for line in text.splitlines():
        match = NAME.match(line.strip())
        if match and not line.lstrip().startswith("#"):
            values[match.group(1)] = match.group(2).strip()
    return values


def named(text: str) -> set[str]:
    """Every NAME= of an env file, commented out (an optional setting) or not."""
    return {m.group(1) for line in text.splitlines() if (m := NAME.match(line.strip()))}


def filled(text: str) -> dict[str, str]:
    """env.example as an operator fills it: every blank given a value."""
    return {name: value or PLACEHOLDER for name, value in env_file(text).items()}


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error} (from deploy/.env)."""

    def one(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        found = variables.get(name, "")
        if operator in (":?", "?") and not found:
            raise ValueError(f"${{{name}}} is unset: {argument}")
        if operator in (":-", "-") and not found:
            return argument
        return found

    return INTERPOLATION.sub(one, value)


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    found = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, rest = line.strip().partition(" ")
            found.append((instruction.upper(), rest.strip()))
    return found


def exec_form(arguments: str) -> list[str]:
    """A CMD, RUN or COPY's words: its JSON form, or its shell form split."""
    if arguments.startswith("["):
        words: list[str] = yaml.safe_load(arguments)
        return words
    return shlex.split(arguments)


def image_files(dockerfile: str, context: Path) -> dict[str, Path]:
    """What the image's WORKDIR (where `python -m bot` runs, so the bot's ROOT) holds from
    COPY: its path there -> the file in `context`. As Docker copies: a folder's contents go
    into the target; a file goes into a target ending in / (or one of several sources)."""
    files: dict[str, Path] = {}
    for instruction, arguments in dockerfile_instructions(dockerfile):
        if instruction != "COPY":
            continue
        *sources, target = [word for word in exec_form(arguments) if not word.startswith("--")]
        into_folder = target.endswith("/") or target in (".", "./") or len(sources) > 1
        for source in sources:
            path = context / source
            if path.is_file():
                files[str(PurePosixPath(target, path.name) if into_folder else target)] = path
            for inner in sorted(path.rglob("*")) if path.is_dir() else []:
                if inner.is_file():
                    files[str(PurePosixPath(target, inner.relative_to(path).as_posix()))] = inner
    return {key.removeprefix("./"): value for key, value in files.items()}


def copy_sources(dockerfile: str) -> list[str]:
    sources = []
    for instruction, arguments in dockerfile_instructions(dockerfile):
        if instruction == "COPY":
            words = [word for word in exec_form(arguments) if not word.startswith("--")]
            sources.extend(words[:-1])
    return sources


def image_command(dockerfile: str) -> list[str]:
    cmd = [
        arguments
        for instruction, arguments in dockerfile_instructions(dockerfile)
        if instruction == "CMD"
    ]
    return exec_form(cmd[-1]) if cmd else []


def bot_commands(compose: dict[str, Any], dockerfile: str) -> list[list[str]]:
    """The arguments after `python -m bot` of every command the image or compose runs."""
    commands = [exec_form(a) for i, a in dockerfile_instructions(dockerfile) if i in ("RUN", "CMD")]
    commands += [service_command(service, dockerfile) for service in compose["services"].values()]
    found = []
    for words in commands:
        for start in range(len(words) - 2):
            if words[start].startswith("python") and words[start + 1 : start + 3] == ["-m", "bot"]:
                rest = words[start + 3 :]
                found.append(rest[: rest.index("&&")] if "&&" in rest else rest)
    return found


def service_command(service: Mapping[str, Any], dockerfile: str) -> list[str]:
    """What a service runs: its own command, else the image's CMD if it is built from ours."""
    command = service.get("command")
    if command is not None:
        return shlex.split(command) if isinstance(command, str) else list(command)
    return image_command(dockerfile) if "build" in service else []


def replica_services(compose: dict[str, Any], dockerfile: str) -> dict[str, dict[str, Any]]:
    """The services that run the bot (`python -m bot run`)."""
    return {
        name: service
        for name, service in compose["services"].items()
        if service_command(service, dockerfile)[-3:] == ["-m", "bot", "run"]
    }


# -- what a replica gets, and what the bot makes of it ---------------------------------------


class Recording(dict[str, str]):
    """An os.environ that remembers every name the bot asks for."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.asked.add(key)
        return super().__contains__(key)


def read_settings(environment: Mapping[str, str]) -> tuple[Settings | SettingsError, set[str]]:
    """What `Settings.from_env` makes of exactly `environment` (no .env file), and the names
    it read."""
    recording = Recording(environment)
    with mock.patch.object(os, "environ", recording):
        try:
            return Settings.from_env(dotenv=None), recording.asked
        except SettingsError as error:
            return error, recording.asked


def replica_environment(service: Mapping[str, Any], dotenv: Mapping[str, str]) -> dict[str, str]:
    """The environment Compose gives a container of `service`: its env_file (deploy/.env,
    here `dotenv`), then its `environment`, interpolated from deploy/.env."""
    files = service.get("env_file", [])
    files = [files] if isinstance(files, str) else files
    if files != [".env"]:
        raise ValueError(
            f"env_file is {files!r}; docs/deploy.md tells the operator to fill deploy/.env"
        )
    environment = dict(dotenv)
    given = service.get("environment", {})
    if isinstance(given, list):
        given = dict(item.split("=", 1) for item in given)
    environment.update({name: interpolate(str(value), dotenv) for name, value in given.items()})
    return environment


def not_deployed(settings: Settings) -> list[str]:
    """How these settings are not a replica of docs/deploy.md (webhook mode, PostgreSQL,
    Redis, reachable from nginx)."""
    problems = []
    if not settings.telegram_token:
        problems.append("no TELEGRAM_BOT_TOKEN: the replica would open the terminal chat")
    if not settings.webhook_url:
        problems.append("no WEBHOOK_URL: the replica would poll, not serve the webhook")
    if not settings.database_url.startswith("postgresql"):
        problems.append(f"DATABASE_URL is {settings.database_url}, not PostgreSQL")
    if not settings.redis_url:
        problems.append("no REDIS_URL: each replica would keep its own send budget")
    host = settings.webhook_listen
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        problems.append(f"WEBHOOK_LISTEN={host}: nginx, in another container, cannot reach it")
    return problems


def replica_problems(service: Mapping[str, Any], dotenv: Mapping[str, str]) -> list[str]:
    try:
        environment = replica_environment(service, dotenv)
    except ValueError as error:
        return [str(error)]
    settings, _ = read_settings(environment)
    if isinstance(settings, SettingsError):
        return [f"the bot refuses to start: {settings}"]
    return not_deployed(settings)


def required_in_env_file(service: Mapping[str, Any], dotenv: Mapping[str, str]) -> set[str]:
    """The names of `dotenv` without which a replica is refused or is not a deployed one."""
    return {
        name
        for name in dotenv
        if replica_problems(service, {k: v for k, v in dotenv.items() if k != name})
    }


def replica_settings(
    compose: dict[str, Any], dockerfile: str, dotenv: Mapping[str, str]
) -> Settings:
    (service,) = replica_services(compose, dockerfile).values()
    settings, _ = read_settings(replica_environment(service, dotenv))
    assert isinstance(settings, Settings), settings
    return settings


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example() -> str:
    return ENV_EXAMPLE.read_text(encoding="utf-8")


# -- the replicas' settings ------------------------------------------------------------------


def test_compose_has_one_replica_service_built_from_the_dockerfile(compose, dockerfile):
    replicas = replica_services(compose, dockerfile)
    assert list(replicas) == ["bot"]
    build = replicas["bot"]["build"]
    assert (COMPOSE.parent / build["context"]).resolve() == ROOT
    assert (COMPOSE.parent / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE
    workdirs = [a for i, a in dockerfile_instructions(dockerfile) if i == "WORKDIR"]
    assert len(workdirs) == 1, "image_files reads COPY targets relative to one WORKDIR"


def test_a_replica_gets_every_setting_webhook_mode_on_postgresql_with_redis_needs(
    compose, dockerfile, example
):
    for service in replica_services(compose, dockerfile).values():
        assert replica_problems(service, filled(example)) == []


def test_the_settings_check_notices_a_missing_key_and_a_replica_left_on_loopback(
    compose, dockerfile, example
):
    service = replica_services(compose, dockerfile)["bot"]
    without_key = {k: v for k, v in filled(example).items() if k != "VOZ_SECRET_KEY"}
    assert any("VOZ_SECRET_KEY" in problem for problem in replica_problems(service, without_key))
    loopback = {**service, "environment": {**service["environment"], "WEBHOOK_LISTEN": "127.0.0.1"}}
    assert replica_problems(loopback, filled(example)) == [
        "WEBHOOK_LISTEN=127.0.0.1: nginx, in another container, cannot reach it"
    ]
    no_password = {k: v for k, v in filled(example).items() if k != "POSTGRES_PASSWORD"}
    assert "POSTGRES_PASSWORD" in replica_problems(service, no_password)[0]


def test_env_example_leaves_blank_only_what_is_required_and_names_every_required_setting(
    compose, dockerfile, example
):
    # Derived from the bot: a name is required when a replica without it is refused by
    # Settings.from_env or is not a webhook replica on PostgreSQL and Redis.
    service = replica_services(compose, dockerfile)["bot"]
    required = required_in_env_file(service, filled(example))
    blanks = {name for name, value in env_file(example).items() if not value}
    assert blanks <= required, f"blank in env.example but not required: {blanks - required}"
    assert required <= set(env_file(example)), "a required setting is not in env.example"
    assert {"TELEGRAM_BOT_TOKEN", "VOZ_SECRET_KEY", "OFFICER_IDS"} <= required


def test_the_guide_asks_for_every_setting_the_operator_must_fill(compose, dockerfile, example):
    service = replica_services(compose, dockerfile)["bot"]
    required = required_in_env_file(service, filled(example))
    guide = GUIDE.read_text(encoding="utf-8")
    step = guide.split("1. **Settings.**", 1)[1].split("\n2. ", 1)[0]
    assert sorted(name for name in required if f"`{name}`" not in step) == []


def test_env_example_names_only_what_the_bot_or_compose_reads_and_nothing_compose_overrides(
    compose, dockerfile, example
):
    service = replica_services(compose, dockerfile)["bot"]
    _, read = read_settings(replica_environment(service, filled(example)))
    interpolated = set(INTERPOLATION.findall(COMPOSE.read_text(encoding="utf-8")))
    compose_names = {name for name, _operator, _argument in interpolated}
    assert sorted(named(example) - read - compose_names) == []
    # A value in deploy/.env that compose's `environment` also sets is silently ignored.
    assert sorted(set(env_file(example)) & set(service["environment"])) == []


# -- commands, image, health -----------------------------------------------------------------


def unknown_commands(commands: list[list[str]]) -> list[str]:
    """The `python -m bot` commands the bot's own parser refuses."""
    refused = []
    for words in commands:
        try:
            parser().parse_args(words)
        except SystemExit:
            refused.append(" ".join(words))
    return refused


def test_every_command_the_deploy_runs_is_one_of_the_bots(compose, dockerfile, capsys):
    commands = bot_commands(compose, dockerfile)
    assert ["run"] in commands and ["migrate"] in commands and ["train"] in commands
    assert unknown_commands(commands) == []
    assert unknown_commands([["migrat"], ["i18n", "build"]]) == ["migrat", "i18n build"]
    capsys.readouterr()  # argparse's complaints


def test_the_image_compiles_the_catalogs_git_does_not_keep(compose, dockerfile):
    assert "locales/**/*.mo" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ["i18n", "compile"] in bot_commands(compose, dockerfile)


def tracked(path: str) -> bool | None:
    """Whether git tracks something at `path` (None: no git checkout here)."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--", path], cwd=ROOT, capture_output=True, text=True, timeout=30
        )
    except OSError:
        return None
    return bool(done.stdout.strip()) if done.returncode == 0 else None


def test_every_copy_source_is_in_the_repository(dockerfile):
    # A path only a developer's checkout has (models/, var/, a compiled .mo) passes an
    # existence check and fails the build on a fresh clone: git must track it.
    sources = copy_sources(dockerfile)
    assert sources
    missing = [source for source in sources if not (ROOT / source).exists()]
    assert missing == []
    untracked = [source for source in sources if tracked(source) is False]
    assert untracked == []


def paths_the_bot_reads() -> set[str]:
    """Every path under the repository root a module of bot/ or consent/ names (a module
    constant, or a tuple of them), and every file training and each start hash."""
    found: set[str] = set()

    def under_root(value: object) -> Iterator[Path]:
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            if isinstance(item, Path) and ROOT in item.parents:
                yield item

    for package in (bot, consent):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.endswith("__main__"):
                continue
            module: ModuleType = importlib.import_module(info.name)
            for value in vars(module).values():
                found.update(str(path.relative_to(ROOT)) for path in under_root(value))
    found.update(str(path.relative_to(ROOT)) for path in agent.training_inputs())
    return {path for path in found if path.split("/")[0] not in WRITTEN_AT_RUN_TIME}


def missing_from_image(dockerfile: str, paths: set[str]) -> list[str]:
    held = image_files(dockerfile, ROOT)
    return sorted(
        path
        for path in paths
        if path not in held and not any(p.startswith(path + "/") for p in held)
    )


def test_the_image_holds_every_file_the_bot_reads(dockerfile):
    paths = paths_the_bot_reads()
    assert {"locales", "migrations", "eval/triage_dev.jsonl", "content/referrals.yml"} <= paths
    assert missing_from_image(dockerfile, paths) == []


def test_the_image_check_notices_a_folder_left_out(dockerfile):
    without = "\n".join(line for line in dockerfile.splitlines() if line != "COPY triage triage")
    assert without != dockerfile
    missing = missing_from_image(without, paths_the_bot_reads())
    assert missing and all(path.startswith("triage/") for path in missing)


def served_paths() -> set[tuple[str, str]]:
    app = WebhookServer(mock.Mock(), secret="s").app()
    return {
        (route.method, route.resource.canonical) for route in app.router.routes() if route.resource
    }


def test_the_healthcheck_asks_a_path_the_replica_serves_on_its_port_with_a_tool_the_image_has(
    compose, dockerfile, example
):
    settings = replica_settings(compose, dockerfile, filled(example))
    for service in replica_services(compose, dockerfile).values():
        test = service["healthcheck"]["test"]
        assert test[0] == "CMD"
        # The image is python:*-slim: no curl or wget unless the Dockerfile installs them.
        installed = " ".join(a for i, a in dockerfile_instructions(dockerfile) if i == "RUN")
        assert test[1].startswith("python") or f" {test[1]}" in installed
        found = re.search(r"http://[^'\" ]+", " ".join(test))
        assert found, f"no URL in the healthcheck {test}"
        url = urlsplit(found.group(0))
        assert ("GET", url.path) in served_paths()
        assert url.port == settings.webhook_port
    assert f"EXPOSE {settings.webhook_port}" in dockerfile


def upstream_servers(nginx: str) -> list[tuple[str, int]]:
    block = re.search(r"upstream\s+\w+\s*\{(.*?)\n\}", nginx, re.S)
    assert block, f"{NGINX}: no upstream block"
    return [
        (host, int(port))
        for host, port in re.findall(r"^\s*server\s+([\w.-]+):(\d+)", block.group(1), re.M)
    ]


def upstream_problems(compose: dict[str, Any], dockerfile: str, nginx: str, port: int) -> list[str]:
    """How nginx's upstream misses the replicas compose starts: Compose names a service's
    containers <project>-<service>-<n>, n from 1 to its replicas, and each listens on
    WEBHOOK_PORT."""
    (name, service) = next(iter(replica_services(compose, dockerfile).items()))
    count = service.get("deploy", {}).get("replicas", 1)
    expected = [(f"{compose['name']}-{name}-{n}", port) for n in range(1, count + 1)]
    servers = upstream_servers(nginx)
    return [f"upstream has {servers}, compose starts {expected}"] if servers != expected else []


def test_nginx_upstream_names_the_compose_replicas_on_the_webhook_port(
    compose, dockerfile, example
):
    settings = replica_settings(compose, dockerfile, filled(example))
    nginx = NGINX.read_text(encoding="utf-8")
    assert upstream_problems(compose, dockerfile, nginx, settings.webhook_port) == []
    # ... and notices a renamed service or a port nginx does not use.
    renamed = {
        **compose,
        "services": {"replica" if k == "bot" else k: v for k, v in compose["services"].items()},
    }
    assert upstream_problems(renamed, dockerfile, nginx, settings.webhook_port)
    assert upstream_problems(compose, dockerfile, nginx, settings.webhook_port + 1)


def test_nginx_proxies_only_paths_the_replicas_serve(compose):
    nginx = NGINX.read_text(encoding="utf-8")
    # Each `location [=] PATH { ... }` up to the next one; a proxied one sends PATH on.
    blocks = re.split(r"\blocation\s+(?:=\s*)?", nginx)[1:]
    proxied = [block.split()[0] for block in blocks if "proxy_pass" in block]
    assert "/telegram" in proxied
    served = {path for _method, path in served_paths()}
    assert sorted(set(proxied) - served) == []
    volumes = compose["services"]["nginx"]["volumes"]
    assert any((COMPOSE.parent / volume.split(":")[0]).resolve() == NGINX for volume in volumes)


# -- start order -----------------------------------------------------------------------------


def test_replicas_wait_for_healthy_database_and_redis_and_a_finished_migration(
    compose, dockerfile, example
):
    settings = replica_settings(compose, dockerfile, filled(example))
    services = compose["services"]
    (migrate,) = [
        n for n, s in services.items() if service_command(s, dockerfile)[-1:] == ["migrate"]
    ]
    assert services[migrate].get("restart") == "no"
    assert "profiles" not in services[migrate]  # a replica cannot wait for a service not started
    hosts = {urlsplit(settings.database_url).hostname, urlsplit(settings.redis_url or "").hostname}
    for service in replica_services(compose, dockerfile).values():
        waits = {name: rule["condition"] for name, rule in service["depends_on"].items()}
        assert waits.get(migrate) == "service_completed_successfully"
        for host in hosts:
            assert host in services and "healthcheck" in services[host]
            assert waits.get(host) == "service_healthy"
    for host in hosts:
        assert services[migrate]["depends_on"][host]["condition"] == "service_healthy"


def compose_services_named(text: str) -> set[str]:
    """The services the `docker compose -f deploy/compose.yml ...` commands in `text` name
    (`run` and `exec` name one, then its command follows)."""
    found = set()
    for line in re.findall(r"docker compose -f deploy/compose.yml ([^`\n#]+)", text):
        subcommand, *words = line.split()
        scale = False
        for word in words:
            if scale:
                found.add(word.split("=")[0])
                scale = False
            elif word == "--scale":
                scale = True
            elif not word.startswith("-"):
                found.add(word)
                if subcommand in ("run", "exec"):
                    break
    return found


def test_the_guides_compose_commands_name_services_that_exist(compose):
    text = GUIDE.read_text(encoding="utf-8") + COMPOSE.read_text(encoding="utf-8")
    named_services = compose_services_named(text)
    assert {"bot", "nginx", "migrate"} <= named_services
    assert sorted(named_services - set(compose["services"])) == []
    renamed = "docker compose -f deploy/compose.yml up -d --scale replica=2 replica nginx"
    assert compose_services_named(renamed) - set(compose["services"]) == {"replica"}
