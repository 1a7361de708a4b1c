"""What a child reads while deciding whether to take part, per age band.

Every sentence is a gettext msgid (Spanish is the source language), so the register and
wording are changed in locales/es/LC_MESSAGES/messages.po, not here. The text version of
a band is a hash of what the child actually reads after translation: change a word in the
catalog and everyone is asked again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.i18n import _

WELCOME = _(
    "¡Hola! 👋 Soy Voz Segura, un bot para niñas, niños y jóvenes de Costa Rica. Aquí puede "
    "dar su opinión sin decir su nombre, aprender a cuidarse y pedir ayuda."
)
PRIVACY = _(
    "🔒 No le voy a pedir su nombre, su teléfono ni su fecha de nacimiento. Si algo le "
    "preocupa, escriba AYUDA en cualquier momento."
)
ASK_BAND = _("Para hablarle de la forma correcta: ¿cuántos años tiene?")
# Static, with the PANI's number by hand: only a child who said they are under 9 reads it,
# and the PANI serves minors (tests/unit/test_no_hand_numbers.py lists it).
YOUNGER = _(
    "¡Gracias por contarme! 💛 Las consultas son para personas de 9 años o más, así que no "
    "le voy a hacer preguntas. Igual puede escribirme cuando quiera, y si algo le preocupa, "
    "escriba AYUDA. También puede llamar gratis al PANI: 1147."
)
OLDER = _(
    "¡Gracias! Las consultas son para personas de 9 a 24 años, así que no le voy a hacer "
    "preguntas. Puede seguir aquí para aprender y conocer las líneas de ayuda."
)
NOT_FOR_BAND = _(
    "Gracias. Esta consulta es para otras edades, así que no le voy a hacer sus preguntas. "
    "Puede seguir aquí para aprender y pedir ayuda."
)
ABOUT = _("De qué se trata esta consulta: {description}")
READ_BUTTON = _("Entendido")
CHANGE_BAND = _("Cambiar mi edad")
ASK_CONSENT = _("¿Quiere participar?")
YES = _("Sí, quiero participar")
NO = _("No, gracias")
THANKS_YES = _(
    "¡Gracias por participar! 💛 Recuerde: puede no contestar una pregunta, salir con /salir y "
    "borrar lo suyo con /borrar."
)
THANKS_NO = _(
    "Está bien, es su decisión, y no se guardó nada. Puede seguir aquí para aprender, y si "
    "algo le preocupa, escriba AYUDA."
)
ALREADY = _("Usted ya aceptó participar. ¡Gracias! 💛")
ASK_CODE = _("Esta consulta es para un taller. Escriba el código que le dieron en el taller.")
WRONG_CODE = _(
    "Ese código no es correcto. Revíselo y escríbalo otra vez, o pida ayuda a quien dirige el "
    "taller."
)
TOO_MANY_CODES = _(
    "Ese código no es correcto, y ya hubo muchos intentos. Espere 15 minutos, o pida el "
    "código a quien dirige el taller."
)
CODE_OK = _("¡Código correcto! 👍")
BAD_LINK = _(
    "Ese enlace no es de una consulta abierta. Puede seguir aquí para aprender y pedir ayuda."
)
CLOSED = _("Esta consulta ya cerró, así que no se guardó nada. ¡Gracias por su interés!")


@dataclass(frozen=True)
class Question:
    text: str
    options: tuple[str, ...]
    correct: int  # index into options
    explanation: str  # said kindly after a wrong answer, before asking again


ASSENT: dict[str, tuple[str, ...]] = {
    "nino": (
        _(
            "Somos Voz Segura, de un programa que defiende los derechos de niñas y niños en "
            "Costa Rica. Queremos saber qué piensa usted, para cuidar mejor a otros niños y "
            "niñas."
        ),
        _(
            "¿Qué guardamos? Cuántas personas eligieron cada respuesta. También una nota de "
            "que usted dijo que sí, con su edad (de 9 a 12 años) y la fecha, y una marca de "
            "que ya respondió, para no contarle dos veces. Esas notas no dicen quién es "
            "usted: nunca guardamos su nombre, su teléfono ni su usuario de Telegram."
        ),
        _(
            "Usted decide si participa o no: nadie le obliga. Si no quiere contestar una "
            "pregunta, toque «Prefiero no responder»."
        ),
        _(
            "Si usted nos cuenta que alguien le hace daño, una persona de protección lo va a "
            "saber, para poder ayudarle."
        ),
        _("Puede parar cuando quiera con /salir, y borrar lo suyo con /borrar."),
    ),
    "adolescente": (
        _(
            "Voz Segura es parte de un programa por los derechos de la niñez y la "
            "adolescencia en Costa Rica. Hacemos consultas para conocer su opinión y usarla "
            "para proteger mejor a otras personas jóvenes."
        ),
        _(
            "Qué guardamos: los totales de respuestas (cuántas personas eligieron cada "
            "opción). Además, una constancia de que usted aceptó, con su rango de edad y la "
            "fecha, y una marca de que ya respondió, para no contarle dos veces. Las dos "
            "llevan un código en lugar de su cuenta. No guardamos su nombre, su teléfono, su "
            "usuario ni su ID de Telegram."
        ),
        _(
            "Es voluntario: puede saltarse cualquier pregunta con «Prefiero no responder» y "
            "dejar de participar cuando quiera."
        ),
        _(
            "Algo importante: si usted nos cuenta que alguien le está haciendo daño, una "
            "persona de protección va a saberlo para poder ayudarle."
        ),
        _("Para salir, escriba /salir. Para borrar sus datos, /borrar."),
    ),
    "joven": (
        _(
            "Voz Segura es parte de un programa por los derechos de la niñez y la juventud "
            "en Costa Rica. Con estas consultas anónimas queremos conocer su opinión para "
            "prevenir la trata y la explotación."
        ),
        _(
            "Guardamos totales de respuestas, una constancia de que usted aceptó (rango de "
            "edad y fecha) y una marca de participación para no contarle dos veces, ligadas a "
            "un seudónimo y no a su cuenta. No guardamos su nombre, teléfono, usuario de "
            "Telegram ni ningún dato que le identifique."
        ),
        _(
            "Su participación es voluntaria: puede saltarse cualquier pregunta con «Prefiero "
            "no responder» y retirarse cuando quiera."
        ),
        _(
            "Límite de la confidencialidad: si usted nos cuenta que alguien le está haciendo "
            "daño, una persona de protección va a saberlo para poder ayudarle."
        ),
        _("Para salir, escriba /salir. Para borrar sus datos, /borrar."),
    ),
}

QUESTIONS: dict[str, Question] = {
    "nino": Question(
        _(
            "Una pregunta para ver si me expliqué bien: si usted cuenta que alguien le hace "
            "daño, ¿qué pasa?"
        ),
        (
            _("Una persona de protección lo sabe, para ayudarme"),
            _("Nadie se entera nunca"),
            _("Me van a regañar"),
        ),
        0,
        _(
            "Gracias por responder. 💛 La respuesta es otra: si usted cuenta que alguien le "
            "hace daño, una persona de protección lo va a saber, para poder ayudarle. No es "
            "para regañarle."
        ),
    ),
    "adolescente": Question(
        _(
            "Para ver si me expliqué bien: si usted cuenta que alguien le está haciendo "
            "daño, ¿qué pasa?"
        ),
        (
            _("Una persona de protección lo sabe, para ayudarme"),
            _("Queda en secreto total"),
            _("Se publica con mi nombre"),
        ),
        0,
        _(
            "No exactamente. 💛 Sus respuestas son anónimas, pero si usted cuenta que alguien "
            "le está haciendo daño, una persona de protección va a saberlo para poder "
            "ayudarle. Nunca se publica nada con su nombre."
        ),
    ),
    "joven": Question(
        _("Para confirmar: si usted cuenta que alguien le está haciendo daño, ¿qué pasa?"),
        (
            _("Una persona de protección lo sabe, para ayudarme"),
            _("Queda en secreto total"),
            _("Se publica con mi nombre"),
        ),
        0,
        _(
            "No exactamente. Sus respuestas son anónimas, pero si usted cuenta que alguien le "
            "está haciendo daño, una persona de protección va a saberlo para poder ayudarle. "
            "Nunca se publica nada con su nombre."
        ),
    ),
}


# The privacy notice (/privacidad, consent/notice.py), per assent variant. Last in this
# file, so that its catalog entries stay together.
TITLE = _("🔒 Su privacidad en Voz Segura")
RESPONSIBLE = _("Quién es responsable de sus datos: {organisation}. Puede escribirles a {contact}.")
# Read by every band, 18-24 too, in a notice that does not pass through the referral
# directory: no PANI number here, only AYUDA and 911, which are for everyone.
NOT_CONFIGURED = _(
    "Quién es responsable de sus datos: la organización que maneja este bot todavía no puso "
    "aquí su nombre ni su contacto. Si necesita ayuda, escriba AYUDA. Si hay peligro ahora, "
    "llame al 911."
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
            "Qué guardamos: nunca su nombre ni su teléfono. Si me dice dónde vive, lo uso solo "
            "para esa respuesta y no lo guardo. Si participa en una consulta, "
            "cuántas personas eligieron cada respuesta, una nota de que usted dijo que sí (con "
            "su edad y la fecha) y una marca de que ya respondió. Si me cuenta que alguien le "
            "hace daño, ese mensaje y qué tipo de situación es. Si pide que le escriban, o pide "
            "los resultados de una consulta, cómo escribirle por este chat."
        ),
        _(
            "Por cuánto tiempo: el mensaje sobre el daño se borra a más tardar 30 días después "
            "de que se cierra su caso. Cómo escribirle se borra cuando se cierra su caso, "
            "cuando le mandamos los resultados o cuando usted lo pide. Mientras responde una "
            "consulta, guardamos sus respuestas hasta que termina. Si la deja a medias, se "
            "borran a las 2 horas. La edad que eligió al empezar se borra sola cuando pasan "
            "dos horas sin usar el bot. Lo demás se queda hasta que usted escribe /borrar."
        ),
        _(
            "Aunque borre, no puede volver a contestar la misma consulta. Guardamos un código "
            "secreto, sin su nombre, que solo dice que usted ya contestó. No dice qué "
            "contestó. Se borra después de que termina la consulta."
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
            "Qué guardamos: nunca su nombre, su teléfono ni su usuario, ni el lugar donde dice "
            "que vive (se usa solo para esa respuesta). Si participa en una "
            "consulta: los totales de respuestas, una constancia de que aceptó (rango de edad y "
            "fecha) y una marca de que ya respondió, con un código en lugar de su cuenta. Si "
            "cuenta que alguien le hace daño: ese mensaje y el tipo de situación, para la "
            "persona de protección. Si acepta que le escriban, pide /noticias o pide los "
            "resultados de una consulta: cómo escribirle por este chat."
        ),
        _(
            "Por cuánto tiempo: el mensaje sobre el daño se borra a más tardar 30 días después "
            "de que se cierra su caso; el registro del caso (el tipo de situación y las "
            "fechas) se queda para que el equipo de protección rinda cuentas, y /borrar lo "
            "separa de usted. Cómo escribirle se borra al "
            "cerrarse el caso, al enviarle los resultados que pidió, con /baja o cuando usted "
            "lo pide. Las respuestas de una consulta que está contestando se guardan hasta que "
            "termina (entonces solo quedan los totales) o, si la deja a medias, 2 horas. La "
            "edad que eligió al empezar se borra sola cuando pasan dos horas sin usar el bot. "
            "Lo demás, hasta que escriba /borrar."
        ),
        _(
            "Aunque use /borrar, no puede contestar dos veces la misma consulta: queda un "
            "código secreto de esa consulta, que no es su cuenta ni su seudónimo y no dice qué "
            "contestó. Se borra después de que la consulta termina."
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
            "Qué guardamos: ningún dato que le identifique, ni el lugar donde dice que vive (se "
            "usa solo para esa respuesta). Si participa en una consulta: "
            "totales de respuestas, una constancia de que aceptó (rango de edad y fecha) y una "
            "marca de participación, ligadas a un seudónimo y no a su cuenta. Si cuenta que "
            "alguien le hace daño: ese mensaje y el tipo de situación, para la persona de "
            "protección. Si acepta que le escriban, pide /noticias o pide los resultados de una "
            "consulta: el identificador de este chat."
        ),
        _(
            "Por cuánto tiempo: el mensaje sobre el daño se borra a más tardar 30 días después "
            "de que se cierra el caso; el registro del caso (tipo de situación y fechas) se "
            "conserva para rendir cuentas, y /borrar lo desliga de su seudónimo. El "
            "identificador del chat se borra al cerrarse el "
            "caso, al enviarle los resultados que pidió, con /baja o cuando usted lo pide. Las "
            "respuestas de una consulta en curso se guardan hasta que la termina (entonces solo "
            "quedan los totales) o, si la deja a medias, 2 horas. La edad que eligió al empezar "
            "se borra sola tras dos horas sin usar el bot. Lo demás, hasta que escriba /borrar."
        ),
        _(
            "Después de /borrar se conserva, por cada consulta que respondió, un código secreto "
            "que no es su seudónimo, no se puede unir con otras consultas ni dice qué "
            "respondió: solo impide que alguien cuente dos veces. Se borra después de que la "
            "consulta termina, o si se cambia la clave del bot."
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


def version(variant: str, campaign_version: str = "") -> str:
    """The version of what a child of this variant reads: changes whenever the words do,
    or the campaign's own consent version."""
    question = QUESTIONS[variant]
    digest = hashlib.sha256(campaign_version.encode())
    for text in (*ASSENT[variant], question.text, *question.options, ASK_CONSENT, YES, NO):
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:12]
