"""What a subscriber reads from outreach: the answers to /noticias and /baja, the line that
ends every broadcast message, and the checks a broadcast's text and name must pass
(`compose`, `check_name`, `BroadcastError`).

What the facilitator reads is in the staff catalog (`_s`), like everything the command line
prints; what the child reads is in the children's catalog (`_`).
"""

from __future__ import annotations

import re

from bot.i18n import _, _s

SUBSCRIBED = _(
    "Listo: le vamos a mandar mensajes de Voz Segura. 📬\n"
    "Son lecciones cortas para cuidarse e invitaciones a consultas. Llegan de vez en cuando, "
    "nunca más de una vez por semana.\n"
    "Solo guardamos lo que hace falta para escribirle aquí. Para no recibirlos más, escriba "
    "/baja cuando quiera."
)
ALREADY_SUBSCRIBED = _(
    "Ya le estamos enviando los mensajes de Voz Segura, de vez en cuando y nunca más de una "
    "vez por semana. Para dejar de recibirlos, escriba /baja."
)
UNSUBSCRIBED = _(
    "Listo, no le vamos a enviar más mensajes. Si cambia de opinión, escriba /noticias."
)
NOT_SUBSCRIBED = _(
    "Usted no está recibiendo mensajes de Voz Segura, así que no hay nada que quitar. Si "
    "quiere recibirlos de vez en cuando, escriba /noticias."
)
# /noticias where no private chat can be kept (a group, the terminal chat).
NOT_HERE = _(
    "Los mensajes de Voz Segura llegan solo a un chat privado con el bot en Telegram. "
    "Escríbame /noticias desde ahí."
)
# Ends every broadcast message: always a way out.
FOOTER = _("Para no recibir más mensajes como este, escriba /baja.")

MAX_TEXT = 4096  # Telegram's limit, in UTF-16 code units
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class BroadcastError(ValueError):
    """A broadcast cannot start; the message says why and what to do, in the staff language
    (what the facilitator reads: the staff catalog, like everything the command prints)."""


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise BroadcastError(
            _s(
                "el nombre de envío {name} no sirve. Solución: de 1 a 64 letras, dígitos, '-', "
                "'_' o '.', empezando con una letra o un dígito"
            ).format(name=repr(name))
        )


def compose(body: str) -> str:
    """The message every subscriber receives: the body, then how to stop."""
    body = body.strip()
    if not body:
        raise BroadcastError(
            _s("el mensaje está en blanco. Solución: escriba algunas palabras en --text")
        )
    text = f"{body}\n\n{FOOTER}"
    if _utf16_len(text) > MAX_TEXT:
        raise BroadcastError(
            _s(
                "el mensaje tiene {count} caracteres con la línea de /baja; Telegram permite "
                "{limit}. Solución: acórtelo"
            ).format(count=_utf16_len(text), limit=MAX_TEXT)
        )
    return text
