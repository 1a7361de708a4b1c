"""Pseudonyms: the only form in which a person's Telegram identity enters the system.

A raw user or chat id is turned into a keyed HMAC-SHA256 pseudonym at the adapter
boundary. The key lives outside the database (environment or a 0600 key file), so a
leaked database cannot be joined back to Telegram accounts.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import _s, _sn
from bot.settings import SettingsError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.settings import Settings
    from bot.storage import Database

MIN_KEY_LENGTH = 32


def load_key(secret: str | None, key_file: Path) -> bytes:
    """The pseudonym key: VOZ_SECRET_KEY if set, else the key file, created once if missing."""
    if secret:
        if len(secret) < MIN_KEY_LENGTH:
            raise SettingsError(
                _sn(
                    "VOZ_SECRET_KEY tiene {count} carácter; use al menos {minimum}, p. ej. lo "
                    "que escribe: python -c 'import secrets; print(secrets.token_hex(32))'",
                    "VOZ_SECRET_KEY tiene {count} caracteres; use al menos {minimum}, p. ej. lo "
                    "que escribe: python -c 'import secrets; print(secrets.token_hex(32))'",
                    len(secret),
                ).format(count=len(secret), minimum=MIN_KEY_LENGTH)
            )
        return secret.encode()
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: two processes starting at once must not each write a different key.
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if mode & 0o077:
        raise SettingsError(
            _s(
                "otras personas pueden leer el archivo de clave {path} (modo {mode}); ejecute: "
                "chmod 600 {path}"
            ).format(path=key_file, mode=f"{mode:o}")
        )
    key = key_file.read_text().strip()
    if len(key) < MIN_KEY_LENGTH:
        raise SettingsError(
            _sn(
                "el archivo de clave {path} tiene {count} carácter; bórrelo para que se cree "
                "una clave nueva (los seudónimos van a cambiar) o escriba en él al menos "
                "{minimum} caracteres al azar",
                "el archivo de clave {path} tiene {count} caracteres; bórrelo para que se cree "
                "una clave nueva (los seudónimos van a cambiar) o escriba en él al menos "
                "{minimum} caracteres al azar",
                len(key),
            ).format(path=key_file, count=len(key), minimum=MIN_KEY_LENGTH)
        )
    return key.encode()


class Pseudonymizer:
    """Maps (channel, raw id) to a stable pseudonym; the raw id is never kept."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, channel: str, raw_id: int | str) -> str:
        message = f"{channel}:{raw_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def participant(self, channel: str, raw_id: int | str) -> Participant:
        """The same person as `self(channel, raw_id)`, for counting them once per campaign."""
        return Participant(self._key, f"{channel}:{raw_id}")


# -- a person's participation in one campaign -------------------------------------------------

_PARTICIPATION_LABEL = b"voz-segura campaign-participation v1\0"


class Participant:
    """What a survey needs to count a person once per campaign, even after /borrar, and
    nothing more: `token(campaign)`, a keyed one-way token of the raw channel id.

    token(c) = HMAC(K_c, "<channel>:<raw id>"), where K_c = HMAC(K, label | c) is a key of
    campaign c's own, derived from the pseudonym key K. So:
      - it is not the pseudonym (HMAC(K, "<channel>:<raw id>")) and cannot be computed from
        it: both need the raw id, which no table keeps, and the key;
      - two campaigns' tokens of one person are unrelated without K and the raw id, so a
        table of tokens cannot be joined across campaigns;
      - the same person always gets the same token in a campaign, whatever they erased.
    Made at the channel boundary by `Pseudonymizer.participant` and lent to the engine with
    each event (`Inbound.participant`); the raw id stays inside, never printed."""

    __slots__ = ("_key", "_who")

    def __init__(self, key: bytes, who: str) -> None:
        self._key = key
        self._who = who.encode()

    def token(self, campaign: str) -> str:
        campaign_key = hmac.new(
            self._key, _PARTICIPATION_LABEL + campaign.encode(), hashlib.sha256
        ).digest()
        return hmac.new(campaign_key, self._who, hashlib.sha256).hexdigest()[:32]

    def __repr__(self) -> str:  # never the raw id nor the key, in a log or a traceback
        return "Participant(…)"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Participant is never serialised: it carries a raw channel id")


# -- the key's fingerprint in the database -----------------------------------------------------

FINGERPRINT_SETTING = "pseudonym_key_fingerprint"
_FINGERPRINT_LABEL = b"voz-segura pseudonym key fingerprint v1"


def fingerprint(key: bytes) -> str:
    """Names a key without revealing it: an HMAC of a fixed label, so the key cannot be
    recovered from it, and a different key gives a different fingerprint."""
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:32]


def stored_fingerprint(database: Database) -> str | None:
    from bot.storage import Setting

    with database.session() as session:
        row = session.get(Setting, FINGERPRINT_SETTING)
        return row.value if row is not None else None


def record_fingerprint(session: Session, key: bytes) -> None:
    from bot.storage import Setting

    row = session.get(Setting, FINGERPRINT_SETTING)
    if row is None:
        session.add(Setting(key=FINGERPRINT_SETTING, value=fingerprint(key)))
    else:
        row.value = fingerprint(key)


def key_source(settings: Settings) -> str:
    """Where the key came from, for messages (never the key)."""
    return "VOZ_SECRET_KEY" if settings.secret_key else str(settings.key_file)


def check_key(database: Database, key: bytes, source: str) -> None:
    """Refuse a key other than the one the database's pseudonyms were made with.

    With another key every pseudonym changes: /borrar, /baja, survey markers and open
    contact cases would silently miss every older row. The first start records the key's
    fingerprint (a database from before fingerprints is taken to match its current key)."""
    from sqlalchemy.exc import IntegrityError

    from bot.storage import Setting

    try:
        with database.session() as session:
            row = session.get(Setting, FINGERPRINT_SETTING)
            if row is None:
                session.add(Setting(key=FINGERPRINT_SETTING, value=fingerprint(key)))
                return
            recorded = row.value
    except IntegrityError:
        # Replicas starting at once on a new database: another one recorded it first.
        with database.session() as session:
            recorded = session.get(Setting, FINGERPRINT_SETTING).value
    if hmac.compare_digest(recorded, fingerprint(key)):
        return
    raise SettingsError(
        _s(
            "la clave de seudónimos ({source}) no es la que usó esta base de datos: con otra "
            "clave, /borrar, /baja y los casos abiertos dejarían de encontrar las filas de cada "
            "persona. Restaure la clave anterior desde su copia de seguridad (el archivo de "
            "clave o VOZ_SECRET_KEY) y vuelva a iniciar el bot; o, si la clave se perdió o debe "
            "cambiarse, ejecute: python -m bot rotate-key (vea el README, «Clave de seudónimos»)."
        ).format(source=source)
    )
