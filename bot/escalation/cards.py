"""Alert cards for the protection officers: the text and buttons of one outbox message.

A card carries what an officer needs to act and nothing that identifies the child: the case
number, urgency, category, who it happens to, age band and campaign when known, the excerpt
the child wrote, and the time. Never the child's pseudonym, never a Telegram id. Cards are
plain text (no parse mode), so an excerpt can never break the markup.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.storage import Escalation

Buttons = list[list[tuple[str, str]]]

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit
REPEAT_LINE = "🔁 Reenvío: puede que ya lo haya recibido"
HEADER = {
    "alert": "Nuevo caso",
    "update": "✏️ Actualización del caso",
    "reminder": "⏰ Recordatorio: caso sin tomar",
    "fallback": "📵 Caso sin atender en el chat de protección",
    "contact": "💬 Contacto aceptado en el caso",
    "message": "💬 Mensaje de la persona del caso",
}
REPLY_HINT = "Para escribirle, responda a este mensaje (Responder) en este grupo."
URGENCY = {"emergency": "🚨 EMERGENCIA", "high": "⚠️ Alta"}
CATEGORY = {
    "trafficking": "Trata de personas",
    "sexual_exploitation": "Explotación sexual",
    "online_grooming": "Acoso sexual en línea (grooming)",
    "abuse": "Abuso o maltrato",
    "self_harm": "Autolesión o riesgo de suicidio",
    "help_request": "Pide ayuda",
}
SUBJECT = {
    "self": "le pasa a quien escribe",
    "other": "le pasa a otra persona",
    "none": "no está claro a quién le pasa",
}
STATUS = {"taken": "tomado", "resolved": "resuelto", "false_alarm": "falsa alarma"}
_AGE_RANGE = re.compile(r"(\d{1,2})\s*[-–]\s*(\d{1,2})")


def buttons_for(case_id: int) -> Buttons:
    """The officer's actions on a case; the handler must parse this data strictly."""
    rows = [
        [("Tomar caso", f"e:take:{case_id}")],
        [("Resolver", f"e:resolve:{case_id}"), ("Falsa alarma", f"e:false:{case_id}")],
    ]
    for row in rows:
        for _label, data in row:
            if not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                raise ValueError(f"callback data must be 1-{CALLBACK_DATA_LIMIT} bytes")
    return rows


def buttons_for_status(case_id: int, status: str | None) -> Buttons:
    """The card buttons that still make sense for a case in `status`."""
    if status in (None, "open"):
        return buttons_for(case_id)
    if status == "taken":
        rows = [
            [(label, data) for label, data in row if not data.startswith("e:take:")]
            for row in buttons_for(case_id)
        ]
        return [row for row in rows if row]
    return []


def _age(band: str) -> str:
    match = _AGE_RANGE.fullmatch(band.strip())
    return f"{match.group(1)}–{match.group(2)} años" if match else band


def _ago(since: datetime, now: datetime) -> str | None:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 1:
        return None
    if minutes < 120:
        return f"hace {minutes} min"
    return f"hace {minutes // 60} h {minutes % 60} min"


def _kind_lines(case: Escalation, kind: str) -> list[str]:
    if kind == "update":
        if case.child_confirmed is True:
            return ["La persona confirmó que el bot entendió bien lo que contó."]
        if case.child_confirmed is False:
            return [
                "La persona corrigió al bot: dice que no entendió bien lo que contó.",
                "Revise el caso antes de actuar.",
            ]
        return ["La persona respondió a «¿Entendí bien?»."]
    if kind == "contact":
        return [
            "La persona aceptó que una persona de protección le escriba por este chat.",
            REPLY_HINT,
        ]
    if kind == "reminder":
        return ["Este caso sigue sin tomar. ¿Alguien puede atenderlo?"]
    if kind == "fallback":
        return [
            "Esta alerta no llegó al chat de protección, o nadie la tomó a tiempo.",
            "Por favor atienda el caso o avise al equipo de protección.",
        ]
    return []


def render_card(
    case: Escalation, kind: str, repeat: bool, now: datetime, body: str | None = None
) -> tuple[str, Buttons]:
    """The card's text and inline buttons for one outbox message of `kind`
    (alert | update | contact | message | reminder | fallback; anything else reads as an
    alert). A "message" is the child writing to the officer of an open case: just its
    `body`, under the case number, with no buttons.

    `repeat` marks a resend after an attempt whose outcome is unknown, so the officer knows
    this may be the same case again rather than a new one. `now` is naive UTC.
    """
    lines: list[str] = []
    if repeat:
        lines.append(REPEAT_LINE)
    if kind == "message":
        lines += [
            f"{HEADER['message']} {case.case_number}:",
            f"«{(body or '').strip()}»",
            REPLY_HINT,
        ]
        return "\n".join(lines), []
    header = HEADER.get(kind, HEADER["alert"])
    lines.append(f"{header} {case.case_number}")
    lines.extend(_kind_lines(case, kind))
    lines.append("")
    lines.append(f"Urgencia: {URGENCY.get(case.urgency, URGENCY['high'])}")
    lines.append(f"Situación: {CATEGORY.get(case.category, 'Otra situación')}")
    lines.append(f"A quién: {SUBJECT.get(case.subject, SUBJECT['none'])}")
    if case.age_band:
        lines.append(f"Edad: {_age(case.age_band)}")
    if case.campaign:
        lines.append(f"Campaña: {case.campaign}")
    if case.excerpt:
        lines.append(f"Lo que escribió: «{case.excerpt.strip()}»")
    when = f"Hora: {case.created_at:%Y-%m-%d %H:%M} UTC"
    ago = _ago(case.created_at, now)
    lines.append(f"{when} ({ago})" if ago else when)
    if case.status not in (None, "open"):
        lines.append(f"Estado: {STATUS.get(case.status, case.status)}")
    return "\n".join(lines), buttons_for_status(int(case.id), case.status)
