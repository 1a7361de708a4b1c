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

from bot.i18n import _s, _sn
from bot.settings import SettingsError

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
