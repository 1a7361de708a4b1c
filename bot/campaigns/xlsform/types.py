"""The XLSForm types an import refuses, each with the reason and the fix the facilitator
reads (staff catalog): types whose answer could identify a child, and types the bot cannot
ask; and the metadata types it skips without a word (they ask the child nothing)."""

from __future__ import annotations

from bot.i18n import N_

# Types whose answer could identify a child, and the reason told to the facilitator.
IDENTIFYING = {
    "text": N_("un texto libre puede llevar un nombre, un número o un lugar"),
    "geopoint": N_("una ubicación dice dónde está la persona"),
    "geotrace": N_("una ubicación dice dónde está la persona"),
    "geoshape": N_("una ubicación dice dónde está la persona"),
    "image": N_("una foto puede mostrar a la persona"),
    "audio": N_("una grabación lleva la voz de la persona"),
    "background-audio": N_("una grabación lleva la voz de la persona"),
    "video": N_("un video puede mostrar a la persona"),
    "file": N_("un archivo puede decir quién lo envió"),
    "barcode": N_("un código puede ser el de un carné o un documento"),
    "tel": N_("un número de teléfono identifica a la persona"),
    "date": N_("una fecha, como la de nacimiento, puede identificar a la persona"),
    "datetime": N_("una fecha, como la de nacimiento, puede identificar a la persona"),
    "time": N_("una hora exacta puede identificar a la persona"),
    "integer": N_("un número, como la edad exacta, puede identificar a la persona"),
    "decimal": N_("un número, como la edad exacta, puede identificar a la persona"),
    "phonenumber": N_("un número de teléfono identifica a la persona"),
    "deviceid": N_("el identificador del teléfono identifica a la persona"),
    "simserial": N_("el identificador del teléfono identifica a la persona"),
    "subscriberid": N_("el identificador del teléfono identifica a la persona"),
    "username": N_("un nombre de usuario identifica a la persona"),
    "email": N_("un correo identifica a la persona"),
}
IDENTIFYING_FIX = N_(
    "borre la fila, o pregunte con select_one y pocas opciones generales (la franja de edad "
    "ya la pregunta el bot)"
)
# Types the bot cannot ask with buttons.
UNASKABLE = {
    "calculate": N_("el bot no hace cálculos entre preguntas"),
    "hidden": N_("el bot no guarda valores ocultos"),
    "note": N_("el bot no muestra notas entre preguntas"),
    "acknowledge": N_("el bot no muestra notas entre preguntas"),
    "trigger": N_("el bot no muestra notas entre preguntas"),
    "begin_repeat": N_("el bot no repite preguntas"),
    "end_repeat": N_("el bot no repite preguntas"),
    "rank": N_("el bot no pide ordenar opciones"),
    "select_one_from_file": N_("el bot no lee opciones de otro archivo"),
    "select_multiple_from_file": N_("el bot no lee opciones de otro archivo"),
    "xml-external": N_("el bot no lee datos de otro archivo"),
    "csv-external": N_("el bot no lee datos de otro archivo"),
    "range": N_("el bot solo pregunta escalas del 1 al 5"),
    "begin_group": N_("el grupo tiene una condición que el bot no puede pasar a sus preguntas"),
}
UNASKABLE_FIX = {
    "note": N_(
        "pase su texto a 'description' (hoja settings) o a la etiqueta de la pregunta "
        "siguiente, y borre la fila"
    ),
    "range": N_("use start=1 end=5 en 'parameters', o una pregunta select_one"),
    "begin_group": N_(
        "borre el 'relevant' del grupo, o quite el 'relevant' propio de las preguntas del grupo"
    ),
}
UNASKABLE_DEFAULT_FIX = N_("borre la fila, o cambie la pregunta a select_one o select_multiple")
# Rows the bot never records anything for (when a form was started or sent): skipped.
SKIPPED_METADATA = ("start", "end", "today", "audit", "start-geopoint")
# `label`, `label::es`, `label::Español (es)`; with a band: `label::es (9-12)`.
