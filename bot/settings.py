"""Runtime configuration, read once from the environment (and an optional `.env` file).

Every setting the bot reads is named here, with one exception: a channel other than
Telegram declares and parses its own variables in its folder's `start.py` (the `variables`
and `read` of its `Starter`, bot.channels.starting), and `Settings.from_env` calls that
`read` once, with a reader of the same environment, keeping the result in `Settings.channels`.
Telegram's variables stay here, because they are checked together with the protection
chat and the officers. Nothing else in bot/ reads the environment: the entry point reads
`Settings.from_env()` once and passes the values down (the two languages to
`bot.i18n.configure`, the rest to `bot.runtime.build`, the commands and the channels).
The README's configuration table and `.env.example` list every variable, a channel's too
(tests/unit/test_channel_starters.py checks a channel's).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from bot import ROOT as ROOT  # re-exported: most modules read it from here
from bot.i18n import _s as _staff

if TYPE_CHECKING:
    from bot.channels.starting import Starter

# How a setting is read: its name in, its value out, stripped, None when unset or blank.
Env = Callable[[str], str | None]

STAFF_LANGUAGES = ("es", "en")  # bot.i18n.STAFF_LOCALES has one locale for each


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it, in the
    staff language (whoever runs the bot is staff)."""


def error_language() -> str:
    """The language of a settings error: STAFF_LANGUAGE as the environment has it now, since
    these errors are raised while the settings are read, before bot.i18n can be configured
    with them (an unknown language reads as Spanish)."""
    language = os.environ.get("STAFF_LANGUAGE", "").strip().lower()
    return language if language in STAFF_LANGUAGES else "es"


def _s(message: str) -> str:
    return _staff(message, error_language())


def load_dotenv(path: Path) -> None:
    """Fill unset variables from KEY=VALUE lines; the real environment always wins."""
    if not path.is_file():
        return
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise SettingsError(
                f"{path}:{number}: "
                + _s("se esperaba CLAVE=VALOR, pero dice {text}").format(text=repr(line[:40]))
            )
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def _optional_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise SettingsError(
            _s(
                "{name}={value} no es un id de chat de Telegram; use el id numérico, p. ej. "
                "-1001234567890"
            ).format(name=name, value=repr(value))
        ) from None


def _int_set(name: str) -> frozenset[int]:
    value = os.environ.get(name, "").strip()
    ids: set[int] = set()
    for part in filter(None, (p.strip() for p in value.split(","))):
        try:
            ids.add(int(part))
        except ValueError:
            raise SettingsError(
                _s(
                    "{name} contiene {part}; ponga ids numéricos de usuario de Telegram "
                    "separados por comas"
                ).format(name=name, part=repr(part))
            ) from None
    return frozenset(ids)


BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")


def check_bot_username(value: str, source: str = "TELEGRAM_BOT_USERNAME") -> str:
    """A bot's @username (the @ optional), as used in t.me links; `source` names where the
    value came from, for the message."""
    name = value.strip().removeprefix("@")
    if not BOT_USERNAME.fullmatch(name) or not name.lower().endswith("bot"):
        raise SettingsError(
            _s(
                "{source}={value} no es un nombre de usuario de bot: ponga el que le mostró "
                "@BotFather, p. ej. VozSeguraBot (de 5 a 32 letras, dígitos o _, terminado en "
                "'bot')"
            ).format(source=source, value=repr(value))
        )
    return name


def _minutes(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(
            _s("{name}={value} no es un número entero de minutos (1 o más)").format(
                name=name, value=repr(value)
            )
        )
    return int(value)


# Children are told that what they wrote to ask for help is erased "30 días después de que
# se cierra su caso" (domain/conversacion.yml, domain/faq.yml): a longer retention would
# break that promise, so it is refused until those texts say otherwise.
EXCERPT_RETENTION_MAX_DAYS = 30


def _retention_days(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= EXCERPT_RETENTION_MAX_DAYS:
        raise SettingsError(
            _s(
                "{name}={value} no es un número entero de días de 1 a {most}. A las personas "
                "menores de edad se les dice que lo que escribieron se borra a más tardar "
                "{most} días después de que se cierra su caso; para guardarlo más tiempo, "
                "cambie antes ese texto en domain/conversacion.yml y domain/faq.yml"
            ).format(name=name, value=repr(value), most=EXCERPT_RETENTION_MAX_DAYS)
        )
    return int(value)


def _rate(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(
            _s(
                "{name}={value} no es un número entero de mensajes por segundo (1 o más); el "
                "límite de Telegram para un bot común es 30"
            ).format(name=name, value=repr(value))
        )
    return int(value)


def environment(name: str) -> str | None:
    """The Env that reads the process environment (after `load_dotenv`)."""
    return os.environ.get(name, "").strip() or None


def port(env: Env, name: str, default: int) -> int:
    """A TCP port setting (WEBHOOK_PORT, or a channel's own), `default` when unset."""
    value = env(name)
    if value is None:
        return default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError(
            _s("{name}={value} no es un puerto TCP (1-65535)").format(name=name, value=repr(value))
        )
    return int(value)


@dataclass(frozen=True)
class Settings:
    telegram_token: str | None = None
    telegram_api_base_url: str | None = None
    telegram_bot_username: str | None = None  # for campaign links t.me/<username>?start=<id>
    # Messages per second the bot sends at most, over all chats: Telegram's limit for an
    # ordinary bot is about 30 (bots with paid broadcasts may send more).
    telegram_max_rate: int = 30
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    database_url: str = f"sqlite:///{ROOT / 'var' / 'voz.db'}"
    secret_key: str | None = field(default=None, repr=False)
    key_file: Path = ROOT / "var" / "secret.key"
    model_dir: Path = ROOT / "models"
    protection_chat_id: int | None = None
    protection_fallback_chat_id: int | None = None
    officer_ids: frozenset[int] = frozenset()
    # Minutes before a case nobody took gets a reminder, then goes to the fallback contact.
    reminder_minutes: tuple[int, int] = (5, 30)  # emergency, high
    fallback_minutes: tuple[int, int] = (15, 90)
    excerpt_retention_days: int = 30  # after a case is resolved
    # Who is responsible for the children's data, and how to reach them (Ley 8968 art. 5):
    # shown by /privacidad. Unset, the notice says so instead of naming anyone.
    organisation_name: str | None = None
    organisation_contact: str | None = None
    facilitator_ids: frozenset[int] = frozenset()
    # Language of what officers and facilitators read (the `staff` catalog); never children's.
    staff_language: str = "es"
    # The children's catalog (`messages`, VOZ_LANGUAGE): locales/<lang>; Spanish is the source.
    children_language: str = "es"
    log_level: str = "INFO"
    # What each channel's own `read` parsed from its variables, by channel name (only
    # channels that declare a `read`); a channel reads its entry with
    # bot.channels.starting.channel_settings. Not in repr: it may hold a platform token.
    channels: Mapping[str, object] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, hash=False
    )

    @classmethod
    def from_env(
        cls, dotenv: Path | None = ROOT / ".env", found: Sequence[Starter] | None = None
    ) -> Settings:
        """The settings of this process: the environment, filled from `dotenv` first, read
        once. `found` is the channels whose own variables are read as well (default: every
        channel folder under bot/channels/)."""
        if dotenv is not None:
            load_dotenv(dotenv)
        env = os.environ.get
        webhook_url = env("WEBHOOK_URL", "").strip() or None
        webhook_secret = env("WEBHOOK_SECRET", "").strip() or None
        if webhook_url and not webhook_secret:
            raise SettingsError(
                _s(
                    "WEBHOOK_URL está definido pero WEBHOOK_SECRET no: defina WEBHOOK_SECRET como "
                    "un texto al azar de 1 a 256 caracteres (A-Z, a-z, 0-9, _ y -) para que se "
                    "rechacen las actualizaciones falsificadas"
                )
            )
        if env("TELEGRAM_BOT_TOKEN", "").strip() and not env("PROTECTION_CHAT_ID", "").strip():
            raise SettingsError(
                _s(
                    "TELEGRAM_BOT_TOKEN está definido pero PROTECTION_CHAT_ID no: un bot que no "
                    "puede avisar a una persona de protección no debe hablar con personas "
                    "menores de edad. Defina PROTECTION_CHAT_ID con el id del grupo de las "
                    "personas de protección (p. ej. -1001234567890) y agregue el bot a ese grupo"
                )
            )
        officer_ids = _int_set("OFFICER_IDS")
        if env("TELEGRAM_BOT_TOKEN", "").strip() and not officer_ids:
            raise SettingsError(
                _s(
                    "TELEGRAM_BOT_TOKEN está definido pero OFFICER_IDS no: sin esa lista, "
                    "cualquier miembro del grupo de protección podría actuar sobre los casos y "
                    "escribirles a personas menores de edad. Defina OFFICER_IDS con los ids "
                    "numéricos de usuario de Telegram de las personas de protección, separados "
                    "por comas (p. ej. OFFICER_IDS=123456789,987654321)"
                )
            )
        staff_language = env("STAFF_LANGUAGE", "").strip().lower() or "es"
        if staff_language not in STAFF_LANGUAGES:
            raise SettingsError(
                _s(
                    "STAFF_LANGUAGE={value}; use es o en (los idiomas del catálogo del personal "
                    "en locales/<lang>/LC_MESSAGES/staff.po)"
                ).format(value=repr(staff_language))
            )
        log_level = env("LOG_LEVEL", "INFO").strip().upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(
                _s("LOG_LEVEL={value}; use DEBUG, INFO, WARNING o ERROR").format(
                    value=repr(log_level)
                )
            )
        return cls(
            telegram_token=env("TELEGRAM_BOT_TOKEN", "").strip() or None,
            telegram_api_base_url=env("TELEGRAM_API_BASE_URL", "").strip() or None,
            telegram_bot_username=(
                check_bot_username(env("TELEGRAM_BOT_USERNAME", ""))
                if env("TELEGRAM_BOT_USERNAME", "").strip()
                else None
            ),
            telegram_max_rate=_rate("TELEGRAM_MAX_RATE", 30),
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            webhook_listen=env("WEBHOOK_LISTEN", "127.0.0.1").strip(),
            webhook_port=port(environment, "WEBHOOK_PORT", 8443),
            database_url=env("DATABASE_URL", "").strip() or cls.database_url,
            secret_key=env("VOZ_SECRET_KEY", "").strip() or None,
            key_file=Path(env("VOZ_KEY_FILE", "").strip() or cls.key_file),
            model_dir=Path(env("MODEL_DIR", "").strip() or cls.model_dir),
            protection_chat_id=_optional_int("PROTECTION_CHAT_ID"),
            protection_fallback_chat_id=_optional_int("PROTECTION_FALLBACK_CHAT_ID"),
            officer_ids=officer_ids,
            reminder_minutes=(
                _minutes("ESCALATION_REMINDER_MINUTES_EMERGENCY", 5),
                _minutes("ESCALATION_REMINDER_MINUTES_HIGH", 30),
            ),
            fallback_minutes=(
                _minutes("ESCALATION_FALLBACK_MINUTES_EMERGENCY", 15),
                _minutes("ESCALATION_FALLBACK_MINUTES_HIGH", 90),
            ),
            excerpt_retention_days=_retention_days(
                "EXCERPT_RETENTION_DAYS", EXCERPT_RETENTION_MAX_DAYS
            ),
            organisation_name=env("ORGANISATION_NAME", "").strip() or None,
            organisation_contact=env("ORGANISATION_CONTACT", "").strip() or None,
            facilitator_ids=_int_set("FACILITATOR_IDS"),
            staff_language=staff_language,
            children_language=env("VOZ_LANGUAGE", "").strip() or "es",
            log_level=log_level,
            channels=_channel_settings(found),
        )


def _channel_settings(found: Sequence[Starter] | None) -> Mapping[str, object]:
    # Imported here, not at the top: bot.channels.starting imports this module (for
    # SettingsError and Env), and the channels' start modules import starting.
    from bot.channels import starting

    return MappingProxyType(
        starting.read_settings(starting.starters() if found is None else found, environment)
    )
