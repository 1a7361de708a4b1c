"""Alert cards for the protection officers: the text and buttons of one outbox message.

A card carries what an officer needs to act and nothing that identifies the child: the case
number, urgency, category, who it happens to, age band and campaign when known, the excerpt
the child wrote, and the time. Never the child's pseudonym, never a Telegram id. Cards are
plain text (no parse mode), so an excerpt can never break the markup.

Also the relay's two cards without a case of their own: the minimal card of an alert that
could not be recorded (`unrecorded_card`: urgency and category, no words) and the summary
of a burst (`summary`: case numbers by urgency).
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.channels import BUTTON_DATA_LIMIT
from bot.i18n import N_, _s, staff_datetime, staff_number
from bot.storage import Escalation
from bot.triage.categories import CATEGORIES, URGENCIES

Buttons = list[list[tuple[str, str]]]

# Staff texts: marked here, translated (STAFF_LANGUAGE) when a card is rendered.
REPEAT_LINE = N_("🔁 Reenvío: puede que ya lo haya recibido")
HEADER = {
    "alert": N_("Nuevo caso"),
    "update": N_("✏️ Actualización del caso"),
    "reminder": N_("⏰ Recordatorio: caso sin tomar"),
    "fallback": N_("📵 Caso sin atender en el chat de protección"),
    "contact": N_("💬 Contacto aceptado en el caso"),
    "message": N_("💬 Mensaje de la persona del caso"),
    "contact_ended": N_("🔕 Contacto terminado en el caso"),
    "more": N_("📝 Nuevo mensaje en el caso"),
}
REPLY_HINT = N_("Para escribirle, responda a este mensaje (Responder) en este grupo.")
# The urgencies' and categories' names are the registry's (bot.triage.categories).
URGENCY: dict[str, str] = {urgency.label: urgency.card for urgency in URGENCIES}
CATEGORY: dict[str, str] = {category.label: category.card for category in CATEGORIES}
OTHER_CATEGORY = N_("Otra situación")
SUBJECT = {
    "self": N_("le pasa a quien escribe"),
    "other": N_("le pasa a otra persona"),
    "none": N_("no está claro a quién le pasa"),
}
STATUS = {"taken": N_("tomado"), "resolved": N_("resuelto"), "false_alarm": N_("falsa alarma")}
BUTTONS = {"take": N_("Tomar caso"), "resolve": N_("Resolver"), "false": N_("Falsa alarma")}
_AGE_RANGE = re.compile(r"(\d{1,2})\s*[-–]\s*(\d{1,2})")


def buttons_for(case_id: int) -> Buttons:
    """The officer's actions on a case; the handler must parse this data strictly."""
    rows = [
        [(_s(BUTTONS["take"]), f"e:take:{case_id}")],
        [
            (_s(BUTTONS["resolve"]), f"e:resolve:{case_id}"),
            (_s(BUTTONS["false"]), f"e:false:{case_id}"),
        ],
    ]
    for row in rows:
        for _label, data in row:
            if not 1 <= len(data.encode()) <= BUTTON_DATA_LIMIT:
                raise ValueError(f"callback data must be 1-{BUTTON_DATA_LIMIT} bytes")
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
    if match is None:
        return band
    return _s("{low}–{high} años").format(low=match.group(1), high=match.group(2))


def _ago(since: datetime, now: datetime) -> str | None:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 1:
        return None
    if minutes < 120:
        return _s("hace {minutes} min").format(minutes=staff_number(minutes))
    return _s("hace {hours} h {minutes} min").format(
        hours=staff_number(minutes // 60), minutes=staff_number(minutes % 60)
    )


def _kind_lines(case: Escalation, kind: str) -> list[str]:
    if kind == "update":
        if case.child_confirmed is True:
            return [_s("La persona confirmó que el bot entendió bien lo que contó.")]
        if case.child_confirmed is False:
            return [
                _s("La persona corrigió al bot: dice que no entendió bien lo que contó."),
                _s("Revise el caso antes de actuar."),
            ]
        return [_s("La persona respondió a «¿Entendí bien?».")]
    if kind == "contact":
        return [
            _s("La persona aceptó que una persona de protección le escriba por este chat."),
            _s(REPLY_HINT),
        ]
    if kind == "contact_ended":
        return [
            _s(
                "La persona pidió que ya no le escriban, o borró sus datos con /borrar. El bot "
                "ya no guarda su chat: no se le puede escribir por aquí."
            ),
            _s("El caso sigue abierto: decida con el equipo si hay que actuar por otra vía."),
        ]
    if kind == "reminder":
        return [_s("Este caso sigue sin tomar. ¿Alguien puede atenderlo?")]
    if kind == "fallback":
        return [
            _s("Esta alerta no llegó al chat de protección, o nadie la tomó a tiempo."),
            _s("Por favor atienda el caso o avise al equipo de protección."),
        ]
    return []


def render_card(
    case: Escalation,
    kind: str,
    repeat: bool,
    now: datetime,
    body: str | None = None,
) -> tuple[str, Buttons]:
    """The card's text and inline buttons for one outbox message of `kind`
    (alert | update | contact | contact_ended | message | more | reminder | fallback;
    anything else reads as an alert). A "message" is the child writing to the officer of an
    open case: just its `body`, under the case number, with no buttons. A "more" is a later
    disclosure in the case: the case's urgency now and its `body`, under «Nuevo mensaje en
    el caso».

    `repeat` marks a resend after an attempt whose outcome is unknown, so the officer knows
    this may be the same case again rather than a new one. `now` is naive UTC.
    """
    lines: list[str] = []
    if repeat:
        lines.append(_s(REPEAT_LINE))
    if kind == "more":
        # A later disclosure in an open case (bot.escalation.cases): short, the new words
        # only; the case's own card has the rest. The buttons act on the case as on its card.
        lines.append(f"{_s(HEADER['more'])} {case.case_number}")
        urgency = URGENCY.get(case.urgency, URGENCY["high"])  # raised by this one, perhaps
        lines.append(_s("Urgencia: {urgency}").format(urgency=_s(urgency)))
        if body:
            lines.append(_s("Lo que escribió: «{excerpt}»").format(excerpt=body.strip()))
        return "\n".join(lines), buttons_for_status(int(case.id), case.status)
    if kind == "message":
        lines += [
            f"{_s(HEADER['message'])} {case.case_number}:",
            f"«{(body or '').strip()}»",
            _s(REPLY_HINT),
        ]
        return "\n".join(lines), []
    header = _s(HEADER.get(kind, HEADER["alert"]))
    lines.append(f"{header} {case.case_number}")
    lines.extend(_kind_lines(case, kind))
    lines.append("")
    urgency = URGENCY.get(case.urgency, URGENCY["high"])
    lines.append(_s("Urgencia: {urgency}").format(urgency=_s(urgency)))
    category = CATEGORY.get(case.category, OTHER_CATEGORY)
    lines.append(_s("Situación: {category}").format(category=_s(category)))
    subject = SUBJECT.get(case.subject, SUBJECT["none"])
    lines.append(_s("A quién: {subject}").format(subject=_s(subject)))
    if case.age_band:
        lines.append(_s("Edad: {age}").format(age=_age(case.age_band)))
    if case.campaign:
        lines.append(_s("Campaña: {campaign}").format(campaign=case.campaign))
    if case.excerpt:
        lines.append(_s("Lo que escribió: «{excerpt}»").format(excerpt=case.excerpt.strip()))
    when = _s("Hora: {time} UTC").format(time=staff_datetime(case.created_at))
    ago = _ago(case.created_at, now)
    lines.append(f"{when} ({ago})" if ago else when)
    if case.status not in (None, "open"):
        status = STATUS.get(case.status)
        lines.append(_s("Estado: {status}").format(status=_s(status) if status else case.status))
    return "\n".join(lines), buttons_for_status(int(case.id), case.status)


# Staff texts of the card for an alert that could not be recorded.
UNRECORDED_HEADER = N_("🆘 Alerta sin registrar")
UNRECORDED_BODY = N_(
    "La base de datos del bot falló y este caso no se pudo guardar: no tiene número, ni "
    "texto, ni botones, y no se puede escribir a la persona. El bot le dio las líneas de "
    "ayuda. Avise al equipo técnico."
)
UNRECORDED_LINE = N_("Urgencia: {urgency} · Categoría: {category}")
# Staff texts of the summary of a burst of new cases (see the module docstring).
SUMMARY_HEADER = N_(
    "📋 Llegaron muchos casos a la vez. La tarjeta de cada uno sigue, con sus botones, tan "
    "rápido como Telegram lo permite."
)
SUMMARY_EMERGENCY = N_("Casos nuevos de emergencia ({count}): {numbers}")
SUMMARY_HIGH = N_("Casos nuevos de prioridad alta ({count}): {numbers}")


def unrecorded_card(urgency: str, category: str) -> str:
    """The minimal card: what kind of alert, nothing that came from the child."""
    urgency_label = _s(URGENCY.get(urgency, URGENCY["high"]))
    category_label = _s(CATEGORY.get(category, OTHER_CATEGORY))
    line = _s(UNRECORDED_LINE).format(urgency=urgency_label, category=category_label)
    return f"{_s(UNRECORDED_HEADER)}\n{line}\n\n{_s(UNRECORDED_BODY)}"


def summary(cases: list[tuple[int, str, str]]) -> str:
    """The summary card of a burst: (case id, case number, urgency) of each new case, listed
    by urgency. Case numbers only: nothing the children wrote."""
    lines = [_s(SUMMARY_HEADER)]
    for urgency, line in (("emergency", SUMMARY_EMERGENCY), ("high", SUMMARY_HIGH)):
        numbers = [
            number
            for _id, number, level in cases
            if (level == "emergency") == (urgency == "emergency")
        ]
        if numbers:
            lines.append(_s(line).format(count=len(numbers), numbers=", ".join(numbers)))
    return "\n\n".join(lines)
