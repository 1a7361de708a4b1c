"""Frames that can explain a match away: hypothetical, informational, homework and news; the
cues that make a statement concrete instead (a time, a past or ongoing verb, a named person);
and the checks of whether a frame covers a match, the whole message, or everything personal in
it.
"""

from __future__ import annotations

import re

from bot.triage.rules.hits import _clauses, _Hit
from bot.triage.rules.prefilter import may_match, search
from bot.triage.rules.subject import _THIRD_VICTIM, _hit_subject
from bot.triage.rules.verdict import Guard
from bot.triage.rules.vocabulary import _AGENT, _PEER

_HOMEWORK = re.compile(
    r"\b(?:tarea|tareas|exposicion|expo|proyecto|investigacion|investigar|ensayo|monografia"
    r"|presentacion|infografia|afiche|cartel|feria cientifica|debate|trabajo (?:del|de la|para el"
    r"|para la|de) (?:cole|colegio|escuela|u|universidad|clase|materia|civica|sociales|estudios"
    r" sociales|orientacion|espanol|ciencias|psicologia)|(?:para|de) (?:civica|estudios sociales"
    r"|sociales|orientacion|psicologia) sobre|(?:la|el) (?:profe|profesora?|maestr[oa]) (?:nos )?"
    r"(?:dejo|pidio|mando) (?:investigar|un trabajo|una tarea)|(?:charla|taller|capacitacion"
    r"|conferencia) (?:sobre|de)|(?:leer|leyendo|lei|leimos) (?:un|una|el|la) (?:libro|novela"
    r"|cuento|obra)|para (?:literatura|la clase de \w+))\b"
)
_NEWS = re.compile(
    r"\b(?:(?:vi|vimos|mire|miramos|lei|leimos|escuche|oi|salio|salieron|dijeron|pasaron|sale)"
    r" (?:en|por) (?:las noticias|el noticiero|la tele|la television|el periodico|la nacion"
    r"|teletica|repretel|crhoy|el diario|la radio|un reportaje|un articulo|redes|internet|facebook"
    r"|tiktok|youtube)|(?:lei|vi|escuche|oi) (?:una noticia|un reportaje|un articulo|que"
    r" rescataron|que detuvieron|que capturaron|que arrestaron|que desarticularon)|en las"
    r" noticias|en el noticiero|en el periodico|segun las noticias|una noticia|la noticia"
    r"|salio en la tele|salio en el periodico"
    r"|(?:vi|mire|vimos|miramos) un (?:video|reel|post|tiktok|documental|reportaje|caso)"
    r" (?:en|de|sobre)|vi (?:en )?(?:tiktok|youtube|instagram|facebook) (?:que|un|una))\b"
)
_INFORMATIONAL = re.compile(
    r"(?:\bque (?:es|son|significa|significan|quiere decir|se entiende por|diferencia hay|tipos"
    r" de|hace|hacen|dice la ley|pena|castigo|edad|derechos|leyes|puedo hacer para (?:evitar"
    r"|prevenir|protegerme|cuidarme)|se puede hacer para (?:evitar|prevenir))\b"
    r"|\bcual(?:es)? (?:es|son) (?:el |la |los |las )?(?:numero|telefono|linea|diferencia|senales"
    r"|pena|ley|leyes|derechos|riesgos|sintomas|tipos|whatsapp|correo)"
    r"|\b(?:numero|telefono|linea|whatsapp|correo|direccion) (?:del|de la|de|para) (?:pani|oij"
    r"|911|ayuda|emergencias|denuncias|policia|inamu|ccss|fiscalia|linea|la linea|este bot)"
    r"|\bcomo (?:se|saber|sabes|sabe|reconocer|reconozco|identificar|identifico|detectar|detecto"
    r"|prevenir|evitar|denunciar|se denuncia|reportar|funciona|puedo (?:saber|reconocer"
    r"|identificar|denunciar|reportar|prevenir|evitar|protegerme|cuidarme|ayudar a (?:alguien"
    r"|una persona|una victima))|ayudar a (?:alguien|una persona|una victima|victimas))\b"
    r"|\bes (?:un )?(?:delito|ilegal|legal|crimen|pecado)\b"
    r"|\b(?:esto|el chat|la conversacion|esta conversacion|este chat|lo que escribo|lo que le"
    r" cuento|lo que cuento) es (?:anonimo|confidencial|privado|secreto|seguro)\b"
    r"|\bes anonimo\b|\bes confidencial\b"
    r"|\b(?:quien|quienes) (?:lee|leen|ve|ven|va a leer|van a leer) (?:esto|los mensajes"
    r"|mis mensajes|lo que escribo)"
    r"|\b(?:guardan|graban|comparten) (?:mis )?(?:datos|mensajes|conversaciones)"
    r"|\bdonde (?:puedo|se puede|se|hay que) (?:denunciar|denuncia|reportar|llamar|pedir ayuda)"
    r"|\bdonde (?:denuncio|reporto|llamo|pido ayuda)\b"
    r"|\ba (?:donde|quien|que numero) (?:llamo|puedo llamar|acudo|puedo acudir|se llama"
    r"|denuncio|reporto|se denuncia)"
    r"|\bpara que sirve|\bdesde que edad|\bcuantos anos de (?:carcel|prision)"
    r"|^ ?es cuando\b|\bes (?:malo|peligroso|grave|normal que (?:la gente|alguien|uno|una"
    r" persona))\b"
    r"|\bpor que (?:la gente|las personas|alguien|uno|una persona|hay gente|los (?:jovenes"
    r"|adolescentes|ninos|chicos)|las (?:chicas|muchachas|ninas))\b"
    r"|\bque pasa (?:con|cuando) (?:los|mis|las) (?:datos|mensajes|denuncias))"
)
_HYPOTHETICAL = re.compile(
    r"(?:\bque (?:haria|harias|haces|hago|hace|hacer|pasa|pasaria|debo hacer|deberia hacer"
    r"|debería hacer|puedo hacer|tengo que hacer|hay que hacer|se hace|se debe hacer|hacemos"
    r"|harian|hariamos|haria usted|harias vos) (?:yo |uno |una |usted |vos )?(?:si|en caso"
    r"|cuando)\b"
    r"|\bsi (?:alguien|alguno|alguna|una persona|uno|una|un \w+|algun \w+|alguna \w+|me|a mi"
    r"|mi|mis|yo|nos|a uno|a alguien|le|a una? \w+|el \w+|la \w+|algun dia|alguna vez)\b"
    r"|\bsupon\w*|\bsuponiendo\b|\ben caso (?:de|que)\b|\bimagin\w+ que\b"
    r"|(?:^|[¿?!.,] )y si\b"
    r"|\bdigamos que\b|\bhipotetic\w*|\bpor ejemplo\b|\bque tal si\b|\bpongamos que\b"
    r"|\bponele que\b|\bpongale que\b|\bpor si (?:acaso|alguna vez|algun dia)\b)"
)

# "me pregunta si estoy sola", "no sé si ...": an embedded yes/no question, not a condition.
_INDIRECT_SI = re.compile(
    r"\b(?:pregunt\w*|saber|se|sabe|sabes|sabia|ver|idea de|duda de|dudo) si\b"
    # "me dice que si le paso una foto me regala el pase": an adult's offer, reported.
    r"|\b(?:mae|man|senor|tipo|viejo|hombre|adulto|desconocido|muchacho|cuenta|perfil|jefe|patron"
    r"|profe|entrenador|gringo|turista)\b(?: \w+){0,6}? (?:me|nos|le|les) (?:dice|dijo|decia"
    r"|ofrece|ofrecio|propone|propuso|promete|prometio|escribe|escribio|manda a decir) que si\b"
)


def _is_hypothetical(sentence: str) -> bool:
    if not may_match(_HYPOTHETICAL, sentence):
        return False  # "~" is no word of it, so the substitution cannot make it match
    return search(_HYPOTHETICAL, _INDIRECT_SI.sub("~", sentence))


_TIME_CONCRETE = re.compile(
    r"\b(?:ayer|anoche|antier|antenoche|hoy|esta manana|esta tarde|esta noche|ahorita|ahora"
    r"|en este momento|siempre|todos los dias|todas las noches|todas las semanas|cada (?:vez"
    r"|noche|dia|rato|semana|fin)|a cada rato|otra vez|de nuevo|varias veces|muchas veces"
    r"|desde (?:hace|que|chiquit\w*|pequen\w*|los \d+|el ano)|hace (?:\w+ )?(?:dias|semanas"
    r"|meses|anos|rato)|la semana pasada|el otro dia|la otra vez|el ano pasado|el mes pasado"
    r"|el fin de semana|el finde|ya van|todavia|sigue|siguen)\b"
)
_POSSESSIVE_PERSON = re.compile(r"\b(?:mi|mis|nuestr[oa]s?) (?:" + _AGENT + "|" + _PEER + r")\b")
_DEMONSTRATIVE_PERSON = re.compile(
    r"\b(?:ese|esa|este|esta|aquel|aquella) (?:senora?|man|mae|tipo|viej[oa]|hombre"
    r"|muchach[oa]|profe|profesora?|entrenadora?|vecin[oa]|chavalo|carajo)\b"
)
# "el jefe", "el patrón": a definite person the writer already has, so "si el jefe no me devuelve
# el pasaporte" is about a real boss, not a what-if.
_DEFINITE_PERSON = re.compile(
    r"\b(?:el|la) (?:jef[ea]|patrona?|entrenadora?|profe|profesora?|padrastro|madrastra|dueno|duena"
    r"|encargad[oa]|capataz)\b"
)
_INDEFINITE_PEER = re.compile(
    r"\b(?:un|una) (?:compa|companer[oa]|vecin[oa]|amig[oa]|prim[oa]|compi)\b"
)
_PAST_FORMS = frozenset(
    "pidio mando toco pego golpeo violo abuso quito amenazo encerro obligo ofrecio llevo vendio "
    "siguio quemo hizo dijo forzo agarro beso grabo publico subio dio pago trajo engano "
    "secuestro manoseo acoso chantajeo escribio mostro enseno intento trato quiso tuvo regalo "
    "compro mato paso envio conto pateo empujo cacheteo ahorco jalo metio saco escondio retuvo "
    "recogio cobro dejo puso invito propuso insistio exigio tome corte intente trate hice quise "
    "fui".split()
)
_NOT_SUBJUNCTIVE = frozenset("para cara clara vara guitarra mascara ahora afuera fuera".split())


def _is_past_or_ongoing(span: str) -> bool:
    tokens = span.split()
    for i, token in enumerate(tokens):
        if token in _PAST_FORMS or re.fullmatch(r"\w+(?:aron|ieron|aba|aban)", token):
            return True
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in {"ha", "han", "he", "has", "hemos", "habia", "habian"} and re.fullmatch(
            r"\w+(?:ado|ido|ada|ida|cho|to)", nxt
        ):
            return True
        if token in {
            "esta",
            "estan",
            "estaba",
            "estaban",
            "estuvo",
            "sigue",
            "siguen",
            "anda",
            "andan",
        } and re.fullmatch(r"\w+(?:ando|iendo|yendo)(?:me|nos)?", nxt):
            return True
    return False


def _is_subjunctive_or_conditional(span: str) -> bool:
    return any(
        token not in _NOT_SUBJUNCTIVE
        and re.fullmatch(r"\w{2,}(?:ara|aran|iera|ieran|ase|asen|iese|iesen|ria|rian)", token)
        for token in span.split()
    )


# Frames that talk about harm at one remove, for the whole message.
_REPORTING_FRAMES: tuple[tuple[Guard, re.Pattern[str]], ...] = (
    ("homework", _HOMEWORK),
    ("news", _NEWS),
)


class Searches:
    """Whether a pattern occurs in a text, each pattern looked for once per text: the frames
    of one message's hits share them (`_covering_frame`).

    Why: `_covering_frame` reads a hit's whole sentence with up to nine patterns, and a long
    text without punctuation is one sentence holding every hit, so each hit searched the
    same sentence again (about 46 ms for a 512-character piece of leetspeak self-harm
    words). The same for a hit's subject and tense, which depend only on its words and
    sentence. Kept only while one message is assessed."""

    def __init__(self) -> None:
        # By the pattern's id: its own hash is recomputed from its source on every call. The
        # patterns are this module's, alive as long as it is.
        self._found: dict[tuple[int, str], bool] = {}

        self._subjects: dict[tuple[str, str], str] = {}
        self._past: dict[str, bool] = {}

    def __call__(self, pattern: re.Pattern[str], text: str) -> bool:
        key = (id(pattern), text)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = search(pattern, text)
        return found

    def subject(self, hit: _Hit) -> str:
        """`_hit_subject(hit)`, which reads only the hit's words and sentence."""
        key = (hit.span, hit.sentence)
        found = self._subjects.get(key)
        if found is None:
            found = self._subjects[key] = _hit_subject(hit)
        return found

    def past(self, span: str) -> bool:
        """`_is_past_or_ongoing(span)`."""
        found = self._past.get(span)
        if found is None:
            found = self._past[span] = _is_past_or_ongoing(span)
        return found


def _covering_frame(hit: _Hit, norm: str, searched: Searches | None = None) -> Guard | None:
    """The frame that makes this hit non-literal, or None when it reads as a real statement.
    `searched`: the searches already made for the same message's other hits."""
    found = Searches() if searched is None else searched
    sentence = hit.sentence
    timed = found(_TIME_CONCRETE, sentence)
    past = found.past(hit.span)

    # Somebody concrete is involved: the writer, "mi prima", "una compañera".
    concrete_person = found(_POSSESSIVE_PERSON, sentence) or found(_INDEFINITE_PEER, sentence)
    about_writer = found.subject(hit) == "self"
    for frame, rx in _REPORTING_FRAMES:
        if found(rx, norm) and not about_writer and not concrete_person and not timed:
            return frame

    # "¿qué pasaría si me tiro del puente?" is the writer thinking of harming themself, not a
    # what-if about the world.
    own_self_harm = about_writer and hit.category == "self_harm"
    if (
        not hit.threat
        and not own_self_harm
        and _is_hypothetical(hit.lead)
        and not timed
        and not past
    ):
        # The mood that matters is the framed verb's, not the frame's own ("qué pasaría si").
        if _is_subjunctive_or_conditional(_HYPOTHETICAL.sub(" ", hit.clause)):
            return "hypothetical"
        specific = (
            found(_POSSESSIVE_PERSON, sentence)
            or found(_DEMONSTRATIVE_PERSON, sentence)
            or found(_DEFINITE_PERSON, sentence)
        )
        # "¿qué pasa si me quiero morir?" is the writer speaking about themself, not a what-if.
        self_statement = about_writer and hit.category in ("self_harm", "help_request")
        if not specific and not self_statement:
            return "hypothetical"

    # An awareness question frames only the sentence it asks in: "¿a dónde llamo? a una
    # muchacha la tienen encerrada" is a report followed by a question.
    if found(_INFORMATIONAL, sentence) and not about_writer and not concrete_person and not timed:
        return "informational"
    return None


def _message_frame(norm: str, figurative: bool, everyday: bool = False) -> Guard | None:
    if figurative:
        return "figurative"
    if everyday:
        return "everyday"
    for frame, rx in (*_REPORTING_FRAMES, ("informational", _INFORMATIONAL)):
        if search(rx, norm):
            return frame
    if _is_hypothetical(norm):
        return "hypothetical"
    return None


# Content a frame has not explained: the writer as object ("me", "nos") or a named third
# party.  When it is left over, the rules neither alarm nor veto, and the model decides.
_PERSONAL = re.compile(r"\b(?:me|nos|conmigo)\b|\b\w+(?:ar|er|ir)(?:me|nos)\b")


def _frame_explains(clause: str) -> bool:
    if "~" in clause:
        # The figurative expression masked here is the clause's whole point.
        return True
    if _HOMEWORK.search(clause) or _NEWS.search(clause):
        # "el profe me dejó una tarea sobre ...": the past tense belongs to the assignment.
        return True
    if _TIME_CONCRETE.search(clause) or _is_past_or_ongoing(clause):
        return False
    if _INFORMATIONAL.search(clause):
        return True
    return (
        _is_hypothetical(clause)
        and not _POSSESSIVE_PERSON.search(clause)
        and not _DEMONSTRATIVE_PERSON.search(clause)
    )


def _unexplained_personal_content(masked: str, covered: list[_Hit]) -> bool:
    # A clause is part of the text, so a pattern whose words the text lacks is in no clause.
    personal = [
        rx for rx in (_PERSONAL, _THIRD_VICTIM, _POSSESSIVE_PERSON) if may_match(rx, masked)
    ]
    if not personal:
        return False
    for start, end in _clauses(masked):
        clause = masked[start:end]
        if not any(rx.search(clause) for rx in personal):
            continue
        if any(h.start < end and h.end > start for h in covered):
            continue
        if _frame_explains(clause):
            continue
        return True
    return False
