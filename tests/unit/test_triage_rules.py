"""Behaviour of the deterministic triage rule layer (bot.triage.rules).

The sentences are the examples from the rule layer's brief plus ones written for these tests;
none comes from the NLU training data or the held-out evaluation set.
"""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.triage.rules import RuleVerdict, assess, normalize

# --------------------------------------------------------------------------------------------
# normalize
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AYUDA", "ayuda"),
        ("Ayúdeme", "ayudeme"),
        ("ayudaaaa", "ayuda"),
        ("aiuda", "ayuda"),
        ("aiudaaa", "ayuda"),
        ("nesesito ayuda", "necesito ayuda"),
        ("nesecito aiuda", "necesito ayuda"),
        ("q hago", "que hago"),
        ("k hago", "que hago"),
        ("xq me pega", "porque me pega"),
        ("porq me pega", "porque me pega"),
        ("tmb a mi hermana", "tambien a mi hermana"),
        ("Mi papá me pegó", "mi papa me pego"),
        ("niña", "nina"),
        ("me   quiero\tmorir", "me quiero morir"),
        ("¿Qué es la trata?", "¿ que es la trata ?"),
        ("¡¡¡Socorro!!!", "! socorro !"),
        ("me kitaron la sedula", "me quitaron la cedula"),
        ("toy enserrada", "estoy encerrada"),
        ("S.O.S", "sos"),
        ("x favor 🙏", "por favor"),
    ],
)
def test_normalize_folds_case_accents_typos_and_repeats(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_keeps_question_and_exclamation_marks_as_separators() -> None:
    assert normalize("¿ayuda?hola!").split() == ["¿", "ayuda", "?", "hola", "!"]


@pytest.mark.parametrize("word", ["poquito", "aqui", "porque", "queso", "kaki", "xbox", "dedo"])
def test_normalize_expands_abbreviations_only_as_whole_words(word: str) -> None:
    assert normalize(word) == word


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＹＵＤＡ", "ayuda"),
        ("ｍｉ ｐａｐá ｍｅ ｐｅｇａ", "mi papa me pega"),
        ("ﬁesta", "fiesta"),
        ("𝐦𝐞 𝐪𝐮𝐢𝐞𝐫𝐨 𝐦𝐨𝐫𝐢𝐫", "me quiero morir"),
    ],
)
def test_normalize_folds_full_width_letters_and_ligatures(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "invisible",
    [
        "\u00ad",  # soft hyphen
        "\u200b",  # zero-width space
        "\u200c",  # zero-width non-joiner
        "\u200d",  # zero-width joiner
        "\u2060",  # word joiner
        "\ufeff",  # byte-order mark
        "\u200e",  # left-to-right mark
        "\u200f",  # right-to-left mark
        "\u202e",  # right-to-left override
        "\u2066",  # left-to-right isolate
        "\U000e0041",  # tag letter
        "\u034f",  # combining grapheme joiner
        "\ufe0f",  # variation selector
        "\u3164",  # Hangul filler
        "\u2800",  # blank Braille pattern
    ],
)
def test_normalize_removes_invisible_and_format_characters(invisible: str) -> None:
    assert normalize(f"me p{invisible}ega{invisible}") == "me pega"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("m3 p3g4", "me pega"),
        ("m4t4rm3", "matarme"),
        ("m@t@rm3", "matarme"),
        ("$uicidarme", "suicidarme"),
        ("m1 p4dr4str0 m3 t0c4", "mi padrastro me toca"),
        ("4yud4", "ayuda"),
        ("mis amig@s", "mis amigas"),
    ],
)
def test_normalize_folds_leetspeak_inside_words(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("llamé al 911", "llame al 911"),
        ("el 1147 es gratis", "el 1147 es gratis"),
        ("tengo 15 años", "tengo 15 anos"),
        ("tengo 15años", "tengo 15anos"),
        ("a las 3pm", "a las 3pm"),
        ("estoy en 2do año", "estoy en 2do ano"),
        ("juego fifa23", "juego fifa23"),
        ("pizza 2x1", "pizza 2x1"),
        ("@maria hola", "maria hola"),
    ],
)
def test_normalize_leaves_numbers_and_numbers_with_units_alone(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_collapses_stretched_letters() -> None:
    assert normalize("me peeeegaaaa muuucho") == "me pega mucho"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("m1 p4dr4str0 m3 t0c4", "abuse"),
        ("m3 qu13r0 m0r1r", "self_harm"),
        ("mi papá me p\u200bega", "abuse"),
        ("me quiero su\u00adicidar", "self_harm"),
    ],
)
def test_disguised_disclosure_is_read_after_normalization(text: str, category: str) -> None:
    verdict = assess(text)
    assert verdict.category == category
    assert verdict.escalate


# --------------------------------------------------------------------------------------------
# safe word
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ayuda",
        "AYUDA",
        "auxilio",
        "socorro",
        "sos",
        "SOS",
        "aiuda",
        "ayudaaa",
        "ayuda por favor",
        "necesito ayuda",
        "¡Ayuda!",
        "AYUDAAA!!!",
        "aiudaaa plis",
        "socoro",
        "S.O.S",
        "ayuda ayuda",
        "ayúdenme porfavor",
        "nesesito aiuda porfa",
        "necesito ayuda ya",
        "Auxilio!!",
    ],
)
def test_safe_word_with_typos_escalates(text: str) -> None:
    verdict = assess(text)
    assert verdict.safe_word
    assert verdict.escalate
    assert verdict.guard is None
    assert verdict.category == "help_request"


@pytest.mark.parametrize(
    "text",
    [
        "AY\u00adUDA",
        "ay\u200buda",
        "A\u200dYUDA\ufeff",
        "\u200fayuda",
        "ＡＹＵＤＡ",
        "4YUD4",
        "AYUD4",
    ],
)
def test_safe_word_with_invisible_characters_full_width_or_leetspeak_is_recognised(
    text: str,
) -> None:
    verdict = assess(text)
    assert verdict.safe_word
    assert verdict.escalate
    assert verdict.category == "help_request"


@pytest.mark.parametrize(
    "text",
    [
        "ayuda con la tarea de mate",
        "necesito ayuda con la tarea",
        "¿me ayuda a cambiar el idioma?",
        "vos sos muy bueno",
        "ayuda a mi hermanito con los deberes por favor que yo no sé inglés",
    ],
)
def test_longer_message_with_help_word_is_not_the_safe_word(text: str) -> None:
    verdict = assess(text)
    assert not verdict.safe_word
    assert not verdict.escalate


# --------------------------------------------------------------------------------------------
# Disclosures, by category
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mi papá me pega",
        "me pegan con la faja",
        "mi padrastro abusó de mí",
        "mi tío me violó",
        "mi padrastro entra a mi cuarto de noche",
        "me amenaza con matarme",
        "me encierran en el cuarto",
        "mi mamá me quema con la plancha",
        "me insulta todos los días",
        "el entrenador me toca las piernas",
        "mi hermano me hace cosas",
        "mae mi padrasto me pega x todo",
        "diay es q el viejo de la par me toca cuando mi mama no esta",
        "mi tata me sono ayer con la faja",
        "vos sabés, el profe me manosea en el baño",
        "usted me puede ayudar? mi tío me hace cosas en la noche",
        "un señor de la iglesia me besa a la fuerza",
        "el novio de mi mamá se mete a mi cama",
        "mi papá dice que si le cuento a alguien me mata",
        "mi padrastro nos amenaza con un cuchillo",
        "mi mamá me deja sin comer",
        "mi novio me obliga a tener relaciones",
        "mi novio me pega",
        "mi papá no me deja salir del cuarto",
        "el profe de música me toca donde no",
        "mi padrastro me obliga a verlo sin ropa",
        "el vecino me enseñó sus partes",
        "mi abuelo me pone la mano en la pierna y sube",
        "mi mamá me quemó la mano con un cigarro",
        "me amarran a la cama",
        "me dio una cachetada mi papá",
        "me dejan solo todo el día sin comida",
        "el novio de mi mamá me mira raro y me toca cuando ella no está",
        "¿es normal que mi tío me toque las piernas?",
        "mi papá quiere matarme",
        "mi papá me golpea",
        "el tata me revienta a faja cada vez que llega chiva",
        "a mi compa el papá lo tiene amarrado en el patio",
        "me tiran a la calle si no traigo plata",
    ],
)
def test_violence_or_sexual_abuse_by_people_around_the_child_is_abuse(text: str) -> None:
    verdict = assess(text)
    assert verdict.category == "abuse"
    assert verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "me quiero matar",
        "ya no quiero vivir",
        "quiero desaparecer",
        "me corto los brazos",
        "voy a tomarme las pastillas",
        "quiero suicidarme",
        "no vale la pena vivir",
        "ya tengo las pastillas",
        "hoy me mato",
        "me voy a tirar del puente",
        "me quiero morir, ya no aguanto",
        "me kiero morir",
        "ya no kiero vivir mae",
        "toy pensando en matarme",
        "me voy a cortar las venas",
        "me corto cuando estoy triste",
        "me tome todas las pastillas de mi mama",
        "estoy en el puente y me voy a tirar",
        "mañana tengo examen y me quiero morir",
        "me quiero morir jajaja",
        "todos estarían mejor sin mí",
        "ojalá no despertar mañana",
        "ya planeé cómo matarme",
        "estoy cansada de vivir",
        "la vida no tiene sentido",
        "siento que sobro en este mundo",
        "quiero dormir y no despertar nunca",
        "a veces pienso que sería mejor no existir",
        "me rasguño los brazos hasta sangrar",
        "escribí una carta de despedida",
        "mi amigo dice que se va a tirar de un puente",
        "qué pasaría si me corto",
        "quiero cortarme",
        "ya no puedo más con mi vida",
        "estoy harta de vivir",
    ],
)
def test_wish_to_die_or_self_injury_is_self_harm(text: str) -> None:
    verdict = assess(text)
    assert verdict.category == "self_harm"
    assert verdict.escalate


# --------------------------------------------------------------------------------------------
# Guards
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "¿qué es la trata?",
        "¿qué significa grooming?",
        "¿cuál es el número del PANI?",
        "¿es delito que un adulto le pida fotos a un menor?",
        "¿cómo sé si una oferta es falsa?",
        "¿esto es anónimo?",
        "¿qué es el suicidio?",
        "¿es delito mandar nudes?",
        "¿qué es un pack?",
        "¿cuántos años de cárcel dan por trata?",
        "¿qué hace el PANI?",
        "¿cómo se denuncia el abuso?",
        "¿dónde puedo denunciar?",
    ],
)
def test_question_about_concepts_law_or_helplines_is_guarded_informational(text: str) -> None:
    verdict = assess(text)
    assert verdict.guard == "informational"
    assert not verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "¿qué haría si alguien me pidiera fotos?",
        "si alguien me pidiera fotos",
        "qué pasa si un amigo me pide fotos",
        "suponga que alguien le quita el pasaporte a una muchacha",
        "en caso de que me ofrezcan plata por fotos",
        "y si alguien me pide fotos?",
        "¿qué pasaría si alguien me quita el pasaporte en otro país?",
        "imaginemos que un adulto le pide fotos a una chiquita",
        "¿qué hago si un amigo me dice que se quiere matar?",
        "si un desconocido me escribe, ¿qué hago?",
    ],
)
def test_hypothetical_request_for_photos_is_guarded(text: str) -> None:
    verdict = assess(text)
    assert verdict.guard == "hypothetical"
    assert not verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "tengo una tarea sobre la trata de personas",
        "una exposición sobre el abuso sexual infantil, ¿qué es el grooming?",
        "estoy haciendo un proyecto sobre explotación sexual, ¿cómo funciona?",
        "el profe me dejó una tarea sobre violencia intrafamiliar",
        "para la investigación sobre suicidio adolescente, ¿cuántos casos hay?",
        "trabajo del cole sobre trata: ¿qué pasa cuando a alguien le quitan el pasaporte?",
    ],
)
def test_homework_about_the_topic_is_guarded(text: str) -> None:
    verdict = assess(text)
    assert verdict.guard == "homework"
    assert not verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "vi en las noticias que rescataron a unas muchachas que les quitaron el pasaporte",
        "salió en el periódico que un entrenador abusó de una niña",
        "leí que rescataron a 20 personas de una finca",
        "vi en la tele que una muchacha se suicidó",
        "salió en las noticias que en una finca tenían encerradas a unas muchachas",
        "salió en la tele que detuvieron a unos tratantes que les quitaban la cédula",
    ],
)
def test_news_report_is_guarded(text: str) -> None:
    verdict = assess(text)
    assert verdict.guard == "news"
    assert not verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "me explota con tanta tarea",
        "me muero de risa",
        "me muero del aburrimiento",
        "me muero de hambre",
        "me va a matar si pierdo",
        "mi mamá me va a matar si pierdo el examen",
        "estoy muerto del cansancio",
        "me secuestraron el cel",
        "qué trata tan mala",
        "ese examen me violó",
        "me quiero morir de la vergüenza",
        "me mata este calor",
        "estoy muerta de cansancio",
        "¡ay me muero de la risa con ese video!",
        "me mato estudiando para el examen",
        "nos violaron 5 a 0 en la mejenga",
        "la profe de mate me va a matar si no entrego la tarea",
        "quiero desaparecer de la vergüenza",
    ],
)
def test_slang_and_hyperbole_is_guarded_figurative(text: str) -> None:
    verdict = assess(text)
    assert verdict.guard == "figurative"
    assert not verdict.escalate
    assert not verdict.danger_now


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("¿Qué hago? Mi padrastro me toca", "abuse"),
        ("¿esto es anónimo? mi tío me toca cuando duermo", "abuse"),
        ("qué hago si mi papá me pega", "abuse"),
        ("¿qué pasa si me quiero morir?", "self_harm"),
        ("si le cuento a mi mamá que mi padrastro me toca, ¿me va a creer?", "abuse"),
        ("si le cuento a alguien me mata", "abuse"),
        ("¿a quién llamo? mi amiga se está cortando", "self_harm"),
    ],
)
def test_question_that_discloses_is_not_guarded(text: str, category: str) -> None:
    verdict = assess(text)
    assert verdict.category == category
    assert verdict.guard is None
    assert verdict.escalate


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("tengo tarea pero mi papá me pega si no la hago", "abuse"),
        ("me muero de risa pero mi tío me hace cosas feas", "abuse"),
        ("ese examen me violó y me quiero morir, ya no aguanto", "self_harm"),
    ],
)
def test_frame_that_leaves_a_real_disclosure_unexplained_does_not_guard(
    text: str, category: str
) -> None:
    verdict = assess(text)
    assert verdict.category == category
    assert verdict.guard is None
    assert verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "me dejó una tarea sobre trata pero mi tío me hace algo raro",
        "¿qué haría si alguien me pidiera fotos? me da curiosidad",
    ],
)
def test_frame_with_unexplained_personal_content_leaves_the_call_to_the_model(
    text: str,
) -> None:
    verdict = assess(text)
    assert verdict.guard is None


# --------------------------------------------------------------------------------------------
# Everyday messages
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "hola",
        "buenas, ¿cómo funciona esto?",
        "me toca lavar los platos",
        "hoy me toca exponer en clase",
        "me toca a mí exponer",
        "me tocó con el peor grupo",
        "mis papás no me dejan salir con mis amigos",
        "mi mamá no me deja salir a la fiesta",
        "mis papás no me dejan salir",
        "se me pegó la canción",
        "me pegó la gripe",
        "me pegué en la rodilla jugando",
        "me corté el pelo",
        "me voy a tirar a la piscina",
        "el señor de la pulpería me vende cigarros",
        "mi mamá me pidió fotos del acto",
        "mi mamá tiene mi cédula",
        "le debo a mi amiga la plata del bus",
        "me da miedo la oscuridad",
        "tengo miedo del examen de mañana",
        "no sé qué hacer con la tarea",
        "necesito ayuda con mate",
        "mi abuela me hace cosas ricas de comer",
        "mi mamá me regaló un cel por mi cumple",
        "me ofrecieron trabajo en un hotel en Guanacaste",
        "un tipo me sigue en insta",
        "en el cole hay mucha tarea",
        "lo pegué con goma en el cuaderno",
        "mi mamá me da plata para que vaya con mi abuela",
        "me dan plata por hacer mandados",
        "mi tío me regaló un cel por sacar buenas notas",
        "me pagan por cuidar chiquitos",
        "mi jefe no me paga las horas extra",
        "trabajo en una soda y no me pagaron la quincena",
        "le mandé fotos del paseo a mi abuela",
        "mi novia me pidió fotos de la fiesta",
        "mi amigo me pasó unos videos de memes",
        "el profe me tocó el hombro para despertarme",
        "mi mamá me regañó",
        "estoy aburrido",
        "me caí de la bici y estoy sangrando de la rodilla",
        "no aguanto más este calor",
        "estoy encerrada en mi cuarto estudiando",
        "jajaja me muero",
        "qué pereza el lunes",
        "nos pegaron un susto",
        "el partido estuvo buenísimo",
        "me siento feliz hoy",
        "¿a qué hora abre el colegio?",
        "mi perro se llama Toby",
        "mi mamá me manda mensajes en la noche para ver si llegué",
        "me llevaron con un señor que arregla computadoras",
        "nos tienen en un cuarto de la escuela esperando a que llueva menos",
        "mi primo me escribió una carta de despedida porque se va a vivir a USA",
        "no quiero volver a la casa todavía, estoy en el parque con mis amigos",
        "un man en el parque me sigue preguntando por la tarea",
        "mi perro me sigue a todos lados",
        "mi hermanita me pega jugando",
        "el profe me pegó un grito",
        "me pegó un pelotazo en el partido",
        "mi jefe me obliga a trabajar los sábados",
        "ya no aguanto a mi hermano jaja",
        "quiero desaparecer del grupo de whatsapp",
        "me pidieron fotos para el carné del cole",
        "mi mamá me vigila todo el tiempo",
        "mi abuela me cuida siempre",
        "mi tío me da un consejo cuando hago videos",
        "mi abuela me da plata cuando va a verme",
        "no puedo salir hoy, tengo mucha tarea",
        "me ato los cordones",
        "me quiero matar estudiando para ese examen",
        "tengo 20 y mi novio de 25 me regala flores",
        "el gato me rasguñó los brazos",
        "me quemé con la plancha planchando mi uniforme",
        "me pusieron a vender rifas en la calle para el paseo",
        "me metieron en un taxi para ir al hospital",
        "me chantajea mi hermanito con decir que comí su helado",
        "mi mamá me pone a hacer oficio todo el día",
        "don Carlos me toca la guitarra",
        "el don de la pulpe me regala confites",
        "mi novio me pidió que nos viéramos en el parque",
        "un man de free fire me regaló un skin jaja",
        "la profe nos pidió una foto para el mural",
        "¿me ayuda con algo rápido?",
        "el profe nos pone a trabajar en grupos",
        "mi amiga va a subir fotos del paseo",
        "si le cuento a mi mamá me va a regañar",
        "el portero le pegó a la pelota con fuerza",
    ],
)
def test_everyday_message_does_not_alarm(text: str) -> None:
    verdict = assess(text)
    assert not verdict.escalate
    assert not verdict.danger_now


# --------------------------------------------------------------------------------------------
# danger_now
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mi papá me está pegando ahorita",
        "mi padrastro me pega y ahora está afuera de mi cuarto",
        "en este momento me está tocando",
        "estoy sangrando mucho, mi papá me pegó",
        "mi papá me va a matar",
        "ya tengo las pastillas",
        "hoy me mato",
        "me voy a tirar del puente",
        "me tomé todas las pastillas",
        "mi padrastro tiene un cuchillo y dice que nos va a matar",
        "mi padrastro me está tocando ahora",
    ],
)
def test_danger_happening_now_or_imminent_sets_danger_now(text: str) -> None:
    verdict = assess(text)
    assert verdict.danger_now
    assert verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "mi papá me pegaba cuando era chiquita",
        "me quiero morir",
        "un señor me pidió fotos hace un mes",
        "mi tío me tocaba, ahora ya no vivo con él",
        "me va a matar si pierdo",
        "mi mamá me va a matar si ve la nota",
        "si alguien me estuviera siguiendo ahora, ¿qué hago?",
    ],
)
def test_past_figurative_or_hypothetical_harm_is_not_danger_now(text: str) -> None:
    assert not assess(text).danger_now


# --------------------------------------------------------------------------------------------
# subject
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mi amiga se quiere matar",
        "a mi hermana le pega mi padrastro",
        "una compañera se corta",
        "un compa me contó que el entrenador lo toca",
        "mi vecina tiene moretes porque el esposo le pega",
        "mi papá le pega a mi mamá y me da miedo",
        "mi amiga me contó que su papá le pega",
        "la güila de al lado dice que su tío la toca",
        "un carajillo de la escuela se quiere suicidar",
        "mi primo dice que el entrenador le pega",
        "a él le pegan en la casa",
    ],
)
def test_harm_to_a_friend_or_relative_has_subject_other(text: str) -> None:
    verdict = assess(text)
    assert verdict.subject == "other"
    assert verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "mi padrastro me toca",
        "mi primo me toca",
        "un señor me dijo que si no le mando más fotos las va a subir",
        "me quiero morir",
        "tengo miedo",
        "nos tienen encerradas",
        "mi papá me pega y también a mi hermana",
    ],
)
def test_first_person_disclosure_has_subject_self(text: str) -> None:
    assert assess(text).subject == "self"


def test_message_with_no_person_has_subject_none() -> None:
    assert assess("¿qué es la trata?").subject == "none"


# --------------------------------------------------------------------------------------------
# Indirect self-harm, euphemistic exploitation, meetings and danger now
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("estoy arriba del puente del río virilla y ya me voy a soltar", "self"),
        ("me subí al techo del cole y tengo ganas de lanzarme", "self"),
        ("mi vecina dice que el viernes se lanza del puente de la circunvalación", "other"),
        ("un compa escribió que hoy se tira del edificio de la u", "other"),
        ("me voy a meter al mar de noche hasta no volver", "self"),
        ("mi prima subió un video que dice que ese era su último post y no responde", "other"),
        ("mi amigo puso en su estado gracias por todo y tiene el cel apagado", "other"),
        ("ya repartí todas mis cosas, no voy a necesitar nada", "self"),
        ("le dije adiós a todos en el chat del equipo, ya no van a saber más de mí", "self"),
        ("tengo una navaja aquí y no sé si me voy a aguantar", "self"),
        ("hace media hora me tomé unas pastillas del botiquín", "self"),
    ],
)
def test_indirect_self_harm_is_self_harm_and_urgent(text: str, subject: str) -> None:
    verdict = assess(text)
    assert verdict.category == "self_harm"
    assert verdict.escalate
    assert verdict.danger_now
    assert verdict.subject == subject


@pytest.mark.parametrize(
    "text",
    [
        "creo que mi familia estaría más tranquila si yo no existiera",
        "soy una carga para todos en la casa",
        "guardé unas pastillas debajo del colchón por si algún día no aguanto",
    ],
)
def test_indirect_wish_not_to_exist_is_self_harm(text: str) -> None:
    verdict = assess(text)
    assert verdict.category == "self_harm"
    assert verdict.escalate


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("mi padrastro está golpeando a mi hermanita ahorita", "abuse"),
        ("mi papá dijo que en la noche me va a partir la cara", "abuse"),
    ],
)
def test_danger_happening_now_is_caught_with_its_category(text: str, category: str) -> None:
    verdict = assess(text)
    assert verdict.category == category
    assert verdict.escalate
    assert verdict.danger_now


@pytest.mark.parametrize(
    "text",
    [
        "hoy viene a dormir el tío que me manosea",
        "ya viene en camino y me dijo que me iba a pegar",
    ],
)
def test_imminent_cues_make_a_disclosure_urgent(text: str) -> None:
    verdict = assess(text)
    assert verdict.escalate
    assert verdict.danger_now


@pytest.mark.parametrize(
    "text",
    [
        "hoy en la noche me toca ir con el cliente del bar",
        "estoy en el cuarto de un hotel con un extranjero",
        "ya tengo todo listo para el sábado",
        "ayúdeme por favor, mi papá está borracho y ya viene",
        "un carro me está siguiendo",
        "esta noche viene el señor que me pide fotos",
        "me tienen encerrada",
        "estoy sangrando",
        "ya voy en la buseta para verme con el man que conocí en free fire",
        "estoy en el parque esperando al señor de tiktok, dijo que llegara sola",
        "estoy en la habitación del hotel con el turista que me pagó y no me deja ir",
        "el man del carro no nos deja bajar y ya vamos saliendo de la ciudad",
        "un señor no me deja de seguir desde la parada",
        "hay un carro parado afuera de la casa hace rato y estamos solas",
        "estoy encerrada en el baño porque me está buscando para pegarme",
        "el video que subió me tiene muerta de miedo, dice que viene por mí",
    ],
)
def test_danger_cue_is_reported_even_when_only_the_model_finds_the_disclosure(text: str) -> None:
    verdict = assess(text)
    assert verdict.guard is None
    assert verdict.danger_now


@pytest.mark.parametrize(
    "text",
    [
        "me tomé una pastilla para la fiebre y ya me siento mejor",
        "mi perrita se cortó la pata con un alambre",
        "me corté el dedo pelando papas",
        "les hice una carta de despedida a mis compañeros de sexto",
        "nos dejaron encerrados en el gimnasio porque había tormenta",
    ],
)
def test_everyday_context_explains_the_alarming_words(text: str) -> None:
    verdict = assess(text)
    assert verdict.guard == "everyday"
    assert not verdict.escalate
    assert not verdict.danger_now


@pytest.mark.parametrize(
    "text",
    [
        "le hago favores a mi abuela, le barro el patio y me da para el bus",
        "me voy a tirar del trampolín de la piscina del hotel",
        "estoy en el puente colgante tomando fotos de los monos",
        "me despedí de todos porque nos mudamos a cartago",
        "regalé mis juguetes a mis primitos porque ya estoy grande",
        "estoy esperando a mi mamá en la parada",
        "mi papá no nos deja bajar del carro hasta que pare la lluvia",
        "saqué un 50 en el examen y mi mamá me va a matar",
        "el profe nos va a matar con la práctica de mañana",
        "me quiero morir, se me olvidó la tarea en la casa jajaja",
        "mi hermanito me pegó jugando con la almohada",
        "mi novio me pidió una foto de mi outfit para ver si combinamos",
        "tengo que leer una novela sobre un muchacho que se suicida, es para literatura",
        "tengo miedo de la vacuna del cole",
        "mi mamá me pone a bañarme con mi hermanito",
    ],
)
def test_everyday_look_alikes_do_not_alarm(text: str) -> None:
    verdict = assess(text)
    assert not verdict.escalate


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("mi amigo ya tiene la soga guardada en el cuarto", "self_harm"),
        ("el profe de natación nos toma fotos cuando nos cambiamos", "abuse"),
    ],
)
def test_more_wordings_of_known_harms_are_caught(text: str, category: str) -> None:
    verdict = assess(text)
    assert verdict.category == category
    assert verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "acabo de tomarme todo lo que había en el botiquín",
        "hay alguien intentando abrir la puerta de la casa",
        "mi amigo me mandó un mensaje que dice perdón por todo, y no contesta",
    ],
)
def test_cues_that_the_harm_is_happening_now(text: str) -> None:
    assert assess(text).danger_now


# --------------------------------------------------------------------------------------------
# Category precedence and the verdict object
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("mi papá me pega y me quiero morir", "abuse"),
        ("me quiero morir, tengo miedo", "self_harm"),
        ("me hacen bullying y me quiero morir", "self_harm"),
        ("me dijo que no le contara a nadie y me quiero matar", "self_harm"),
    ],
)
def test_strongest_category_wins_when_several_match(text: str, category: str) -> None:
    assert assess(text).category == category


def test_verdict_is_frozen_and_escalate_follows_guard_and_safe_word() -> None:
    verdict = RuleVerdict(
        category="abuse", danger_now=False, subject="self", guard=None, safe_word=False
    )
    assert verdict.escalate
    assert not dataclasses.replace(verdict, guard="hypothetical").escalate
    assert dataclasses.replace(verdict, category="none", safe_word=True).escalate
    assert not dataclasses.replace(verdict, category="none").escalate
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.category = "none"  # type: ignore[misc]


def test_assess_is_deterministic_and_total_on_odd_input() -> None:
    for text in ["", "   ", "🙏🙏🙏", "?!?!", "a" * 5000, "1234567890"]:
        first = assess(text)
        assert first == assess(text)
        assert not first.escalate


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Mi padrastro me tocó donde no", "abuse"),
        ("ya no quiero vivir", "self_harm"),
    ],
)
def test_disclosure_survives_shouting_missing_accents_and_stretched_letters(
    text: str, category: str
) -> None:
    variants = [
        text.upper(),
        _strip_accents(text),
        text + "!!!",
        "¿" + text + "?",
        text.replace("o ", "ooo ").replace("a ", "aaaa "),
        "mae " + text + " diay",
    ]
    for variant in variants:
        verdict = assess(variant)
        assert verdict.category == category, variant
        assert verdict.escalate, variant


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalize_is_idempotent_and_assess_never_raises(text: str) -> None:
    normalized = normalize(text)
    assert normalize(normalized) == normalized
    assert isinstance(assess(text), RuleVerdict)


_WORDS = (
    "me mi papa pega toca fotos sin ropa que si alguien pidiera plata por cedula pasaporte no "
    "dejan salir tengo miedo quiero morir de la risa tarea noticias señor man mae y pero , . ? ¿ "
    "! ahora hoy ayuda sos k q x aiuda"
).split()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=25))
def test_assess_reads_the_normalized_form(words: list[str]) -> None:
    text = " ".join(words)
    assert assess(text) == assess(normalize(text))


# --------------------------------------------------------------------------------------------
# Songs, memes and shows "kill"; squabbles and school fears are not threats or pleas
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "me morí con el último capítulo de la novela",
        "nos morimos con ese chiste del profe de inglés",
        "jajaja el video de tu gato me mató",
        "esa coreografía me mató, qué nivel",
    ],
)
def test_media_that_kills_with_laughter_is_figurative(text: str) -> None:
    verdict = assess(text)
    assert verdict.guard == "figurative"
    assert not verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "me quiero morir, ya no aguanto más",
        "el señor del video me amenaza con matarme",
    ],
)
def test_death_words_beside_media_still_alarm(text: str) -> None:
    assert assess(text).escalate


@pytest.mark.parametrize(
    "text",
    [
        "mi primo me amenazó con borrarme el mundo de minecraft",
        "mi amiga me amenazó con no volver a hablarme si no voy a su cumple",
        "mi hermano me amenazó con sacarme del grupo de la familia jaja",
    ],
)
def test_squabbles_over_games_and_friendship_are_not_threats(text: str) -> None:
    assert not assess(text).escalate


@pytest.mark.parametrize(
    "text",
    [
        "mi padrastro me amenazó con quitarme el cel si le cuento a mi mamá lo que me hace",
        "mi tío me amenazó con decirle a todos que yo lo provoqué si hablo",
    ],
)
def test_a_threat_that_buys_silence_is_abuse_whatever_it_takes_away(text: str) -> None:
    verdict = assess(text)
    assert verdict.category == "abuse"
    assert verdict.escalate


@pytest.mark.parametrize(
    "text",
    [
        "tengo miedo de no pasar el examen de bachillerato",
        "me da miedo que no me acepten en la beca",
        "tengo miedo de reprobar la materia otra vez",
    ],
)
def test_fear_of_failing_school_is_not_a_plea(text: str) -> None:
    assert not assess(text).escalate


@pytest.mark.parametrize(
    "text",
    [
        "tengo miedo de que me pegue otra vez cuando vea la boleta",
    ],
)
def test_fear_beside_school_words_still_alarms_when_someone_threatens(text: str) -> None:
    assert assess(text).escalate


@pytest.mark.parametrize(
    "text",
    [
        "a mi vecina le parten la cara en la casa, hoy vino con el labio partido",
        "estoy en el puente del río virilla y ya me quité los zapatos",
        "mi primo está en la azotea del edificio sentado en la baranda",
    ],
)
def test_injury_signs_and_getting_ready_at_an_edge_alarm(text: str) -> None:
    verdict = assess(text)
    assert verdict.escalate
    assert verdict.category in ("abuse", "self_harm")


@pytest.mark.parametrize(
    "text",
    [
        "me pegaron un pelotazo en el partido del cole",
        "estoy en el mirador de orosi tomando fotos del paisaje",
        "estoy en el borde de la piscina con mis primos",
    ],
)
def test_matches_and_views_from_high_places_do_not_alarm(text: str) -> None:
    assert not assess(text).escalate


# --------------------------------------------------------------------------------------------
# Grooming: secrecy about "what we have", flattery of a child's maturity
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # A teen's secret with a friend of the same age, and surprises being prepared.
        "mi amiga y yo tenemos un secreto, no le vamos a decir a nadie",
        "mi amiga me dijo que lo que hablamos es secreto",
        "es un secreto, no le digas a nadie, le vamos a hacer una fiesta sorpresa a mi mamá",
        "le estamos organizando una fiesta sorpresa a mi abuela, es nuestro secreto",
        "le vamos a comprar un regalo a mi papá, es nuestro secreto",
        # "Lo nuestro" between classmates of about the same age.
        "mi compañero de clase y yo somos novios pero lo nuestro es secreto porque mis papás no "
        "me dejan",
        "mi novio del cole tiene 14 como yo y queremos que lo nuestro sea secreto por ahora",
        "mi novia tiene mi edad y me dice que lo nuestro tiene que ser secreto porque sus papás "
        "son estrictos",
        "tengo 14 y mi novio de 15 me dice que lo nuestro es secreto",
        "mi prima de 14 y su novio de 15 dicen que lo de ellos es secreto",
        "no quiero que nadie sepa de lo nuestro todavía, mi novio es de mi cole",
        # Praise from family, teachers, classmates; maturity that is not about a person.
        "mi mamá dice que soy muy madura para mi edad",
        "tengo 12 y la profe dice que soy muy madura",
        "soy muy madura para mi edad, eso dice mi abuela",
        "mi papá dice que ya soy todo un hombre",
        "la señora que me cuida dice que soy muy madura",
        "el señor de la pulpería dice que soy muy madura porque ayudo a mi mamá",
        "mi jefe dice que soy muy maduro para mi edad porque trabajo duro",
        "tengo 13 y un compa de mi clase me dice que soy muy maduro",
        "mi hermana de 17 es muy madura",
        "la profe dijo que somos muy maduros para nuestra edad",
        "los mangos ya están maduros",
        "tengo 15 y parezco de 18, me dejan entrar a todo",
    ],
)
def test_peer_secrets_surprises_and_family_praise_do_not_alarm(text: str) -> None:
    verdict = assess(text)
    assert not verdict.escalate
    assert verdict.category == "none"


@pytest.mark.parametrize(
    ("text", "guard"),
    [
        ("¿qué es el grooming?", "informational"),
        ("¿qué es el grooming? ¿es cuando un adulto te dice que sos muy madura?", "informational"),
        ("¿es normal que alguien te diga que lo suyo es secreto?", "informational"),
        ("¿es normal que un adulto le diga a una niña que es muy madura?", "informational"),
        ("¿qué haría si un señor me dijera que lo nuestro tiene que ser secreto?", "hypothetical"),
        ("¿qué hago si un señor me dice que soy muy madura?", "hypothetical"),
        (
            "leímos una novela donde un señor le dice a una muchacha que lo suyo es secreto",
            "homework",
        ),
    ],
)
def test_questions_and_what_ifs_about_secrecy_and_flattery_stay_framed(
    text: str, guard: str
) -> None:
    verdict = assess(text)
    assert verdict.guard == guard
    assert not verdict.escalate


# --------------------------------------------------------------------------------------------
# Tourist-area exploitation, neglect, adults watching children shower, and playful talk
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "me quedé sola en la casa la tarde entera porque mis papás fueron a un cumple",
        "mi mamá se fue a trabajar y todavía no he almorzado",
        "mi papá me va a enseñar a manejar en su carro",
        "el coach nos enseñó la técnica del saque en la práctica",
        "trabajo de guía y acompaño a los turistas en el tour del volcán",
        "fuimos a ver los cruceros al muelle con mi abuelo",
    ],
)
def test_everyday_absences_coaching_and_tourism_do_not_alarm(text: str) -> None:
    assert not assess(text).escalate


@pytest.mark.parametrize(
    "text",
    [
        "la muchacha que me gusta no me contesta, me quiero morir",
        "me quiero morir, el muchacho que me gusta no me responde",
        "en fortnite los matamos a todos en la última partida",
        "me encerraron en el server de minecraft y no encuentro la salida",
        "me salió impostor otra vez",
        "mis primas me secuestraron para ir a comer pizza",
        "mi prima me va a matar si no le devuelvo los audífonos jajaja",
        "mi hermana me va a matar si se entera que use su maquillaje xd",
        "en la mejenga me metieron un pelotazo y tengo un morado",
        "me torcí la muñeca en el partido de voleibol",
        "unos güilas le tiraron piedras a mi perrita",
    ],
)
def test_crushes_games_jokes_sports_and_pets_do_not_alarm(text: str) -> None:
    verdict = assess(text)
    assert not verdict.escalate
    assert verdict.category in ("none", "self_harm", "abuse", "trafficking")


@pytest.mark.parametrize(
    "text",
    [
        "me quiero morir, ya no aguanto, y encima mañana hay examen",
        "mi crush me pide fotos desnuda, me quiero morir",
        "en la mejenga el entrenador me pegó una patada a propósito",
        "mi hermano me va a matar si no le devuelvo la plata",
        "en roblox un señor me dijo que me iba a matar si no le mandaba fotos",
        "le pegaron a mi gato y a mí también",
    ],
)
def test_playful_guards_do_not_hide_real_harm(text: str) -> None:
    assert assess(text).escalate


# --------------------------------------------------------------------------------------------
# Child labour exploitation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "este verano trabajo en una heladería y me pagan por hora, tengo 16 y mi mamá firmó",
        "ayudo a mis papás en la soda los fines de semana y no me pagan jaja",
        "trabajo en la soda de mi mamá sin paga pero me da para el bus",
        "los sábados jalo en la feria con mis papás por la comida nada más",
        "me quedé a dormir donde mi amiga y dormimos en el piso",
        "en la pijamada trabajamos en el proyecto y dormimos en el piso de la sala",
        "tengo que terminar el trabajo de la escuela sin ayuda de nadie",
        "en mi trabajo de medio tiempo pagan muy poquito, qué pereza",
        "trabajo en el súper y casi sin paga, pagan malísimo",
        "mi papá trabaja para pagar la deuda de su carro",
        "mis papás trabajan todo el día y yo duermo en la cocina porque la casa es pequeña",
        "fuimos a la finca de mi tío y dormimos en la finca, trabajamos todo el día en la cosecha",
        "trabajo de voluntaria en la cruz roja sin paga",
        "trabajé todo el verano en la bodega del súper y me pagaron bien",
        "el profe no nos deja salir del taller hasta terminar la maqueta",
        "mi mamá no me deja salir de la cocina hasta que lave los platos",
    ],
)
def test_paid_jobs_family_help_and_sleepovers_are_not_child_labour(text: str) -> None:
    assert not assess(text).escalate


@pytest.mark.parametrize(
    ("text", "guard"),
    [
        ("¿es legal que un niño trabaje en una finca sin paga?", "informational"),
        ("para la tarea de estudios sociales: los chiquillos que trabajan sin paga", "homework"),
        (
            "vi un reportaje de chamacos que duermen en una fábrica y trabajan hasta la madrugada",
            "news",
        ),
    ],
)
def test_questions_homework_and_news_about_child_labour_stay_framed(text: str, guard: str) -> None:
    verdict = assess(text)
    assert not verdict.escalate
    assert verdict.guard == guard
