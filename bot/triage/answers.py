"""What the child reads after a disclosure: warm, short, never judgemental, never a nudge
to tell more; the help services that fit; a chance to say the bot understood wrong (UNICEF).

HELPLINES marks where the help services go: the engine fills it from the referral
directory for the category triage found, the child's age and the place they named
(bot.helplines); no number is written here by hand but the emergency line's 911."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.events import Button, Reply
from bot.flows.codec import Codec
from bot.i18n import _
from bot.referrals import SERVICES
from bot.triage import categories

if TYPE_CHECKING:  # bot.triage imports this module
    from bot.triage import Verdict

# The child's answers about their case, "t:<answer>:<case>": to "¿Entendí bien?" (yes, no),
# to "¿Quiere que una persona de protección le escriba aquí?" (contact, nocontact), and the
# button that ends that contact (stop).
CASE_BUTTONS = Codec("t", r"(?:yes|no|contact|nocontact|stop):[1-9][0-9]{0,11}")
# The answer to the middle question, "q:<me|other|no>:<category>": the category is triage's
# guess, for the case a yes opens.
MIDDLE_BUTTONS = Codec("q", r"(?:me|other|no):[a-z_]{1,24}")

HELPLINES = SERVICES
THANKS_SELF = _(
    "Gracias por contármelo. Hizo muy bien en escribir, y lo que pasa no es su culpa. 💛"
)
THANKS_OTHER = _(
    "Gracias por contármelo. Hizo muy bien en escribir: preocuparse por esa persona es "
    "una forma de cuidarla. 💛"
)
EMERGENCY = _("🚨 Si hay peligro ahora mismo, llame ya al 911.")
TOLD = _(
    "Estoy avisando a una persona de protección para que pueda ayudar. "
    "Usted no tiene que hacer nada más si no quiere."
)
NOT_TOLD = _(
    "No pude avisar todavía a una persona de protección. Por favor, pida ayuda por teléfono:"
)
# A category's own first line (the registry's `opening`) takes the place of the thanks: a
# plea for help is answered "Aquí estoy".
HELP_REQUEST = categories.BY_LABEL[categories.HELP_REQUEST].opening or THANKS_SELF
ASK = _("¿Entendí bien?")
CONFIRMED = _("Gracias por decírmelo. Se lo paso a la persona de protección.") + "\n" + HELPLINES
CORRECTED = _(
    "Gracias por aclararme, y perdón si entendí mal. Le aviso a la persona de protección que "
    "no era eso. Si algo le preocupa, aquí estoy: escriba AYUDA cuando quiera."
)
CONTACT = _("¿Quiere que una persona de protección le escriba aquí, por este chat?")
CONTACT_ACCEPTED = _(
    "Listo. 💛 Una persona de protección le va a escribir aquí lo antes posible. Puede "
    "tardar: no siempre hay alguien en ese momento. Si es urgente, llame al 911.\n"
    "Mientras su caso esté abierto, lo que usted escriba aquí le llega a esa persona. Si ya "
    "no quiere que le escriban, toque el botón."
)
# The child stays in control: this button, under CONTACT_ACCEPTED and under every message
# an officer sends, ends the contact ("t:stop:<case>"; Cases.end_contact).
STOP_CONTACT = _("Ya no quiero que me escriban")
CONTACT_STOPPED = _(
    "Listo. La persona de protección ya no le va a escribir aquí: el bot borró cómo "
    "escribirle. Su pedido de ayuda sigue con ella. Si quiere que le escriban otra vez, "
    "escriba AYUDA."
)
CONTACT_DECLINED = (
    _("Está bien, es su decisión. Si cambia de opinión, escriba AYUDA en cualquier momento.")
    + "\n"
    + HELPLINES
)
FORWARDED = _("✉️ Se lo pasé a la persona de protección.")
NOT_FORWARDED = (
    _(
        "Perdón, no pude pasar su mensaje a la persona de protección. Intente otra vez en un "
        "momento, o pida ayuda por teléfono:"
    )
    + "\n"
    + HELPLINES
)
TROUBLE = (
    _(
        "Perdón, tuve un problema para entenderle. 🙏 Pruebe otra vez en un rato. "
        "Si algo le preocupa, escriba AYUDA."
    )
    + "\n"
    + HELPLINES
)
YES = _("Sí")
NOT_THAT = _("No, no era eso")
WRITE_ME = _("Sí, que me escriban")
NO_THANKS = _("No, gracias")


MIDDLE = _("¿Le está pasando a usted o a alguien que conoce?")
MIDDLE_ME = _("Sí, a mí")
MIDDLE_OTHER = _("A alguien que conozco")
MIDDLE_NOT = _("No")
MIDDLE_NO = _(
    "Está bien, gracias por contestarme. Si algún día le pasa a usted o a alguien que "
    "conoce, escriba AYUDA y una persona de protección lo va a saber."
)
# What the officer's card shows in place of the child's words, which are not kept.
MIDDLE_EXCERPT = "[respondió «Sí, a mí» a «¿Le está pasando a usted o a alguien que conoce?»]"
MIDDLE_EXCERPT_OTHER = (
    "[respondió «A alguien que conozco» a «¿Le está pasando a usted o a alguien que conoce?»]"
)


def middle_question(category: str) -> Reply:
    """The middle answer's question: neither an alert nor silence. A yes opens a case."""
    return Reply(
        MIDDLE,
        (
            (
                Button(MIDDLE_ME, MIDDLE_BUTTONS.encode("me", category)),
                Button(MIDDLE_OTHER, MIDDLE_BUTTONS.encode("other", category)),
            ),
            (Button(MIDDLE_NOT, MIDDLE_BUTTONS.encode("no", category)),),
        ),
    )


def replies(verdict: Verdict, case_id: int | None, can_contact: bool) -> list[Reply]:
    """The answer to a disclosure; `case_id` is None when the case could not be recorded.
    `can_contact` says whether the channel lets a protection person write back."""
    category = categories.BY_LABEL.get(verdict.category)
    if category is not None and category.opening is not None:
        opening = category.opening
    elif verdict.subject == "other":
        opening = THANKS_OTHER
    else:
        opening = THANKS_SELF
    lines = [opening]
    if verdict.urgency == "emergency":
        lines.append(EMERGENCY)
    if case_id is not None:
        lines += [TOLD, HELPLINES]
    else:
        lines.append(f"{NOT_TOLD}\n{HELPLINES}")
    answer = [Reply("\n\n".join(lines))]
    if case_id is not None:
        answer.append(
            Reply(
                ASK,
                (
                    (
                        Button(YES, CASE_BUTTONS.encode("yes", case_id)),
                        Button(NOT_THAT, CASE_BUTTONS.encode("no", case_id)),
                    ),
                ),
            )
        )
        if can_contact:
            answer.append(
                Reply(
                    CONTACT,
                    (
                        (Button(WRITE_ME, CASE_BUTTONS.encode("contact", case_id)),),
                        (Button(NO_THANKS, CASE_BUTTONS.encode("nocontact", case_id)),),
                    ),
                )
            )
    return answer


def stop_contact_button(case_id: int) -> tuple[tuple[Button, ...], ...]:
    """The one-button keyboard that lets the child end a protection person's contact."""
    return ((Button(STOP_CONTACT, CASE_BUTTONS.encode("stop", case_id)),),)
