"""The privacy notice, per age band: what `/privacidad` shows and `docs/privacy.md` lists.

It says what Ley 8968 art. 5 asks a notice to say (who is responsible and how to reach
them, the purposes, who receives the data, the child's rights and how to use them, and
PRODHAB), plus what is kept and for how long. Every sentence is a gettext msgid, like the
assent texts; the organisation's name and contact come from settings (ORGANISATION_NAME,
ORGANISATION_CONTACT), never from here. What it says about storage is pinned to the code
by tests/test_promises.py and tests/test_privacy_notice.py.
"""

from __future__ import annotations

from bot.i18n import _

TITLE = _("🔒 Su privacidad en Voz Segura")
RESPONSIBLE = _("Quién es responsable de sus datos: {organisation}. Puede escribirles a {contact}.")
NOT_CONFIGURED = _(
    "Quién es responsable de sus datos: la organización que maneja este bot todavía no puso "
    "aquí su nombre ni su contacto. Si necesita ayuda, llame gratis al PANI: 1147."
)
PRODHAB = _(
    "Si algo no le parece bien, también puede acudir a la PRODHAB, la oficina de Costa Rica "
    "que protege los datos de las personas."
)

# The notice per assent variant (consent/bands.yml `texts`): nino 9-12, adolescente 13-17,
# joven 18-24. Each: what is kept, for how long, who sees it, the child's rights.
NOTICE: dict[str, tuple[str, ...]] = {
    "nino": (
        _(
            "Qué guardamos: nunca su nombre ni su teléfono. Si participa en una consulta, "
            "cuántas personas eligieron cada respuesta, una nota de que usted dijo que sí (con "
            "su edad y la fecha) y una marca de que ya respondió. Si me cuenta que alguien le "
            "hace daño, ese mensaje y qué tipo de situación es. Si pide que le escriban, cómo "
            "escribirle por este chat."
        ),
        _(
            "Por cuánto tiempo: el mensaje sobre el daño se borra a más tardar 30 días después "
            "de que se cierra su caso. Cómo escribirle se borra cuando se cierra su caso o "
            "cuando usted lo pide. Lo demás se queda hasta que usted escribe /borrar."
        ),
        _(
            "Quién lo ve: la persona de protección ve el mensaje sobre el daño, para ayudarle. "
            "Quienes hacen las consultas ven solo totales, y nunca grupos de menos de 10."
        ),
        _(
            "Lo que usted puede hacer: salir con /salir, borrar lo suyo con /borrar, y pedir "
            "con un botón que ya no le escriban. Los mensajes de este chat quedan en su "
            "teléfono hasta que usted borre el chat en Telegram."
        ),
    ),
    "adolescente": (
        _(
            "Qué guardamos: nunca su nombre, su teléfono ni su usuario. Si participa en una "
            "consulta: los totales de respuestas, una constancia de que aceptó (rango de edad y "
            "fecha) y una marca de que ya respondió, con un código en lugar de su cuenta. Si "
            "cuenta que alguien le hace daño: ese mensaje y el tipo de situación, para la "
            "persona de protección. Si acepta que le escriban o pide /noticias: cómo escribirle "
            "por este chat."
        ),
        _(
            "Por cuánto tiempo: el mensaje sobre el daño se borra a más tardar 30 días después "
            "de que se cierra su caso; el registro del caso (el tipo de situación y las "
            "fechas) se queda para que el equipo de protección rinda cuentas, y /borrar lo "
            "separa de usted. Cómo escribirle se borra al "
            "cerrarse el caso, con /baja o cuando usted lo pide. Lo demás, hasta que escriba "
            "/borrar."
        ),
        _(
            "Quién lo ve: la persona de protección ve el mensaje sobre el daño y el tipo de "
            "situación. Quienes hacen las consultas ven solo totales, sin grupos de menos de "
            "10."
        ),
        _(
            "Sus derechos: saber qué se guarda (este aviso), salir con /salir, borrar sus "
            "datos con /borrar y pedir con un botón que ya no le escriban. Los mensajes de este "
            "chat quedan en su teléfono hasta que borre el chat en Telegram."
        ),
    ),
    "joven": (
        _(
            "Qué guardamos: ningún dato que le identifique. Si participa en una consulta: "
            "totales de respuestas, una constancia de que aceptó (rango de edad y fecha) y una "
            "marca de participación, ligadas a un seudónimo y no a su cuenta. Si cuenta que "
            "alguien le hace daño: ese mensaje y el tipo de situación, para la persona de "
            "protección. Si acepta que le escriban o pide /noticias: el identificador de este "
            "chat."
        ),
        _(
            "Por cuánto tiempo: el mensaje sobre el daño se borra a más tardar 30 días después "
            "de que se cierra el caso; el registro del caso (tipo de situación y fechas) se "
            "conserva para rendir cuentas, y /borrar lo desliga de su seudónimo. El "
            "identificador del chat se borra al cerrarse el "
            "caso, con /baja o cuando usted lo pide. Lo demás, hasta que escriba /borrar."
        ),
        _(
            "Quién lo ve: la persona de protección, el mensaje sobre el daño y el tipo de "
            "situación. Quienes hacen las consultas, solo totales, sin grupos de menos de 10."
        ),
        _(
            "Sus derechos: acceso a esta información, retirarse con /salir, borrar sus datos "
            "con /borrar y pedir con un botón que ya no le escriban. El chat queda en su "
            "teléfono y en Telegram hasta que usted lo borre."
        ),
    ),
}


def notice(variant: str, organisation: str | None, contact: str | None) -> list[str]:
    """The notice for one assent variant, paragraph by paragraph."""
    if organisation and contact:
        responsible = RESPONSIBLE.format(organisation=organisation, contact=contact)
    else:
        responsible = NOT_CONFIGURED
    return [TITLE, responsible, *NOTICE[variant], PRODHAB]
