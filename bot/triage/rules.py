"""Deterministic rule layer of message triage.

This module owns the hand-written half of triage: it decides, from the text alone and with the
standard library only, whether a free-text message discloses abuse or self-harm (the families
whose removal lost disclosures in the ablation; the trained model covers the rest); whether the
danger looks current;
whether the harmed person is the writer or somebody else; whether a non-literal frame
(hypothetical, informational, figurative, homework, news) explains away the alarming words; and
whether the message is just the safe word.  The Rasa intent classifier is the other half and
lives elsewhere; nothing here imports it.

The layer is biased toward recall: a missed disclosure can cost a child's safety, a false
alarm costs an officer a few minutes.  A guard therefore only vetoes when it explains every
alarming match in the message, and a guard also silences the model downstream, so it is given
only when nothing personal in the message is left unexplained.  When a frame explains the
alarming words but something personal remains ("¿qué haría si alguien me pidiera fotos? es que
un man me escribe raro"), the rules abstain (category "none", no guard) and the model decides.

How it works: `normalize` folds case, accents and children's spellings; figurative idioms are
masked out; the disclosure patterns (`_ABUSE`, `_SELF_HARM`) are matched on what is
left; each match is then checked against the frames in its sentence.

Message text is never logged or printed here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Category",
    "Guard",
    "RuleVerdict",
    "Subject",
    "assess",
    "normalize",
]

Category = Literal[
    "trafficking",
    "sexual_exploitation",
    "online_grooming",
    "abuse",
    "self_harm",
    "help_request",
    "none",
]
Subject = Literal["self", "other", "none"]
Guard = Literal["hypothetical", "informational", "figurative", "homework", "news", "everyday"]

# Strongest first: when a message matches several families, the one most likely to need a
# specialised response (and the most severe legal frame) names the case.
_SEVERITY: tuple[Category, ...] = (
    "trafficking",
    "sexual_exploitation",
    "online_grooming",
    "abuse",
    "self_harm",
    "help_request",
)


@dataclass(frozen=True)
class RuleVerdict:
    """What the rule layer concluded about one message."""

    category: Category
    danger_now: bool
    subject: Subject
    guard: Guard | None
    safe_word: bool

    @property
    def escalate(self) -> bool:
        return self.safe_word or (self.category != "none" and self.guard is None)


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

# Whole-token spellings children actually type, mapped to the form the patterns are written in.
_TOKEN_MAP: dict[str, str] = {
    "q": "que",
    "k": "que",
    "ke": "que",
    "qe": "que",
    "xq": "porque",
    "xk": "porque",
    "pq": "porque",
    "pk": "porque",
    "porq": "porque",
    "pork": "porque",
    "porke": "porque",
    "porqe": "porque",
    "xque": "porque",
    "xke": "porque",
    "x": "por",
    "d": "de",
    "tmb": "tambien",
    "tb": "tambien",
    "tbn": "tambien",
    "tmbn": "tambien",
    "tambn": "tambien",
    "tamb": "tambien",
    "porfa": "por favor",
    "porfis": "por favor",
    "porfavor": "por favor",
    "xfa": "por favor",
    "xfavor": "por favor",
    "plis": "por favor",
    "pliss": "por favor",
    "pls": "por favor",
    "plz": "por favor",
    "toy": "estoy",
    "tamos": "estamos",
    "ta": "esta",
    "tng": "tengo",
    "tngo": "tengo",
    "aora": "ahora",
    "ahra": "ahora",
    "aorita": "ahorita",
    "orita": "ahorita",
    "horita": "ahorita",
    "ahoritica": "ahorita",
    "dnd": "donde",
    "dond": "donde",
    "xa": "para",
    "pa": "para",
    "pal": "para el",
    "sr": "senor",
    "sra": "senora",
    "srta": "senorita",
    "ud": "usted",
    "uds": "ustedes",
    "msj": "mensaje",
    "msjs": "mensajes",
    "nd": "nada",
    "nda": "nada",
    "ns": "no se",
    "nc": "no se",
    "nose": "no se",
    "c": "se",
    "ase": "hace",
    "asen": "hacen",
    "aser": "hacer",
    "ases": "haces",
    "iso": "hizo",
    "izo": "hizo",
    "ise": "hice",
    "ize": "hice",
    "ago": "hago",
    "aga": "haga",
    "ablar": "hablar",
    "abla": "habla",
    "asta": "hasta",
    "ijo": "hijo",
    "ija": "hija",
    "boi": "voy",
    "voi": "voy",
    "bamos": "vamos",
    "bes": "ves",
    "dise": "dice",
    "disen": "dicen",
    "nadien": "nadie",
    "naiden": "nadie",
    "naide": "nadie",
    "pastiyas": "pastillas",
    "pastias": "pastillas",
    "sigiendo": "siguiendo",
    "sigiendome": "siguiendome",
    "serca": "cerca",
    "lla": "ya",
    "ahy": "ahi",
    "sedula": "cedula",
    "bende": "vende",
    "benden": "venden",
    "bendio": "vendio",
    "bendieron": "vendieron",
    "bender": "vender",
    "bendia": "vendia",
    "bendian": "vendian",
    "mepega": "me pega",
    "mepegan": "me pegan",
    "metoca": "me toca",
}

# Prefix-level spelling slips (seseo, b/v, dropped h, k/q for "qu").  Each rewrites one token.
_TOKEN_FIXES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^a+(?:y+u*|i+u+)d+([aeo]\w*)$", r"ayud\1"),
        (r"^a+u+[xs]+i+l+i*o+$", "auxilio"),
        (r"^s+o+c+o+r+o+$", "socorro"),
        (r"^s+o+s+$", "sos"),
        (r"^ne[sc]+e?[sc]+i?t(o|a|an|as|amos|ar|ando)$", r"necesit\1"),
        (r"^ne[sc]it(o|a|an|as|amos|ar|ando)$", r"necesit\1"),
        (r"^k([ei]\w*)$", r"qu\1"),
        (r"^q([ei]\w*)$", r"qu\1"),
        (r"^erman(\w*)$", r"herman\1"),
        (r"^[vb]e[sc]in(\w*)$", r"vecin\1"),
        (r"^golpi(a|an|o|ar|aron|ando|aba|aban)$", r"golpe\1"),
        (r"^amenas(a|an|o|aron|ando|as|aba|aban|ar)$", r"amenaz\1"),
        (r"^abuz(o|a|an|aron|ar|ador|aba|aban|ado|ada)$", r"abus\1"),
        (r"^en[sc]i+e?r+(a|an|o|aron|ar|aba|aban)$", r"encierr\1"),
        (r"^en[sc]e+r+(ad[oa]s?|ar|aron|o|aba|aban)$", r"encerr\1"),
        (r"^biol(o|a|an|aron|ar|ada|ado|acion|aba|aban)$", r"viol\1"),
        (r"^yev(\w*)$", r"llev\1"),
        (r"^yam(ar|o|e|en|an|ada|ando)$", r"llam\1"),
        (r"^de[sz]nud(\w*)$", r"desnud\1"),
        (r"^sui[sc]id(\w*)$", r"suicid\1"),
    )
)

def normalize(text: str) -> str:
    """Lower-case, accent-free, typo-repaired text with ``¿ ? ! . ,`` kept as separate tokens."""
    lowered = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in lowered if not unicodedata.combining(ch))
    plain = plain.replace("¡", "!").replace("…", ".")
    plain = re.sub(r"[;:]", ".", plain)
    plain = re.sub(r"[^a-z0-9¿?!.,\s]", " ", plain)
    # "s.o.s" has to survive the punctuation split below.
    plain = re.sub(r"\bs[.\s]*o[.\s]*s\b\.?", "sos", plain)
    plain = re.sub(r"([a-z])\1{2,}", r"\1", plain)
    plain = re.sub(r"([¿?!.,])(?:\s*\1)+", r"\1", plain)
    plain = re.sub(r"\s*([¿?!.,])\s*", r" \1 ", plain)
    words: list[str] = []
    for token in plain.split():
        token = _TOKEN_MAP.get(token, token)
        for pattern, replacement in _TOKEN_FIXES:
            if pattern.match(token):
                token = pattern.sub(replacement, token)
                break
        words.append(token)
    return " ".join(words)


# --------------------------------------------------------------------------------------------
# Shared vocabulary
# --------------------------------------------------------------------------------------------


def _alt(*parts: str) -> str:
    return "(?:" + "|".join(parts) + ")"


# People who can be the one doing harm.
_AGENT = _alt(
    r"padrastro", r"madrastra", r"papa", r"papi", r"mama", r"mami", r"padre", r"madre", r"tata",
    r"tio", r"tia", r"prim[oa]", r"abuel[oa]", r"herman[oa]", r"hermanastr[oa]", r"cunad[oa]",
    r"novi[oa]", r"ex", r"vecin[oa]", r"profe", r"profesora?", r"maestr[oa]", r"entrenadora?",
    r"coach", r"pastor", r"cura", r"sacerdote", r"catequista", r"padrino", r"madrina", r"jef[ea]",
    r"patrona?", r"chofer", r"busero", r"taxista", r"guarda", r"policia", r"oficial", r"senora?",
    r"man", r"mae", r"tipo", r"viej[oa]", r"hombre", r"muchach[oa]", r"chavalo", r"carajo",
    r"desconocid[oa]", r"adulto", r"amig[oa]", r"companer[oa]", r"compa", r"doctor", r"medico",
    r"psicologo", r"director", r"conserje", r"cuidadora?", r"encargad[oa]", r"esposo", r"pareja",
    r"roco", r"dona", r"don",
)
# People who can be the one harmed when the writer speaks for somebody else.
_PEER = _alt(
    r"amig[oa]s?", r"amiguit[oa]s?", r"herman[oa]s?", r"hermanit[oa]s?", r"hermanastr[oa]s?",
    r"prim[oa]s?", r"primit[oa]s?", r"compas?", r"compi", r"companer[oa]s?", r"vecin[oa]s?",
    r"vecinit[oa]s?", r"sobrin[oa]s?", r"hij[oa]s?", r"bebes?", r"novi[oa]s?", r"carajill[oa]s?",
    r"chavalit[oa]s?", r"guilas?", r"guilit[oa]s?", r"mama", r"papa", r"mami", r"papi", r"madre",
    r"tia", r"tio", r"abuel[oa]s?",
)
_BODY = _alt(
    r"partes(?: intimas| privadas)?", r"parte intima", r"pechos", r"senos", r"chichis",
    r"pompis", r"nalgas", r"cola", r"trasero", r"culo", r"vagina", r"pene", r"pipi", r"cosita",
    r"entrepierna", r"piernas?", r"muslos?", r"cuerpo", r"por debajo(?: de la ropa)?",
    r"debajo de la ropa", r"donde no", r"ahi abajo", r"por dentro", r"intimas?", r"ahi",
)
# Object clitics: "me/nos" make the writer the one harmed, "le/la/lo" somebody else.
_OBJ = r"(?:me|nos|le|les|la|lo|las|los)"
_END = r"(?=\s*(?:[?!.,]|$))"


@dataclass(frozen=True)
class _Rule:
    category: Category
    regex: re.Pattern[str]
    # Searched in the sentence around a hit; a hit there means the wording is benign.
    veto: re.Pattern[str] | None = None
    # Must also appear somewhere in the message for the rule to count.
    requires: re.Pattern[str] | None = None
    # Weak signals count only when nothing stronger (non-weak) matched.
    weak: bool = False
    # A hit by itself means the danger is happening now (being held, being hurt right now).
    danger: bool = False
    # "si le cuento a alguien me mata": the "si" belongs to a real threat, not a what-if.
    threat: bool = False


def _rule(
    category: Category,
    *patterns: str,
    veto: str | None = None,
    requires: str | None = None,
    weak: bool = False,
    danger: bool = False,
    threat: bool = False,
) -> _Rule:
    return _Rule(
        category=category,
        regex=re.compile(_alt(*patterns)),
        veto=re.compile(veto) if veto else None,
        requires=re.compile(requires) if requires else None,
        weak=weak,
        danger=danger,
        threat=threat,
    )


# --------------------------------------------------------------------------------------------
# Disclosure patterns
# --------------------------------------------------------------------------------------------

_HIT_VERB = _alt(
    r"pega", r"pegan", r"pego", r"pegaron", r"pegaba", r"pegaban", r"pegue", r"peguen",
    r"esta pegando", r"estan pegando", r"ha pegado", r"han pegado", r"sigue pegando",
    r"golpea", r"golpean", r"golpeo", r"golpearon", r"golpeaba", r"golpeaban", r"esta golpeando",
    r"patea", r"patean", r"pateo", r"patearon", r"pateaba", r"cachetea", r"cachetean",
    r"cacheteo", r"ahorca", r"ahorcan", r"ahorco", r"ahorcaba", r"estrangula", r"estrangulo",
    r"jala del pelo", r"jalo del pelo", r"jalan del pelo", r"jalaba del pelo", r"empuja",
    r"empujan", r"empujo", r"empujaron", r"tira contra", r"tiro contra", r"revienta",
    r"reventaron", r"reviento", r"maltrata", r"maltratan", r"maltrato", r"maltrataron",
    r"maltrataba", r"mecatea", r"mecatean", r"mecateo", r"fajea", r"fajean", r"fajeo",
    r"chancletea", r"chancleteo", r"sonaron", r"van a sonar", r"va a sonar", r"agarra a golpes",
    r"agarro a golpes", r"agarraron a golpes", r"agarra a faja", r"agarro a faja",
    r"da duro", r"daba duro", r"aporrea", r"aporreo", r"garrotea", r"garroteo",
    r"pellizca", r"pellizcan", r"pellizco", r"pellizcaba", r"jala el pelo", r"jalan el pelo",
    r"jalo el pelo", r"jalaba el pelo", r"agarra del cuello", r"agarro del cuello",
    r"agarraba del cuello", r"agarran del cuello", r"esta jalando del pelo",
    r"esta jalando el pelo",
    r"esta pateando", r"estan pateando", r"esta empujando", r"esta cacheteando", r"esta ahorcando",
    r"esta maltratando",
)
_HIT_BENIGN = (
    r"(?! (?:la |el |un |una |los |las )?(?:gripe|gripa|covid|virus|resfrio|sol|susto|sueno"
    r"|hambre|chicle|cancion|moco|piojos|mania|costumbre|onda|pelota|bola|cinta|goma|calor|frio"
    r"|grito|gritos|pelotazo|balonazo|botones|boton|stickers?|calcomanias?|parches?|etiquetas?"
    r"|jugando|de broma|en broma|de juego|sin querer)\b)"
)
_BLOW = _alt(
    r"(?:un |una |unos |unas )?(?:golpes?|patadas?|cachetadas?|bofetadas?|punetazos?|trompadas?"
    r"|pescozones|pescozon|coscorrones|coscorron|fajazos?|fajillazos?|chancletazos?"
    r"|garrotazos?|palazos?|mecatazos?)", r"faja", r"palo", r"una pela",
    r"pela", r"una paliza", r"palizas", r"una golpiza", r"una tunda", r"garrote",
    r"con (?:la|el|un|una) (?:faja|cable|chancla|fajina|palo|escoba|manguera|cinturon|correa"
    r"|mecate|regla|zapato|tabla|plancha|cuchillo|machete)",
)

_ABUSE = (
    _rule(
        "abuse",
        r"(?<!se )\b" + _OBJ + r" " + _HIT_VERB + r"\b" + _HIT_BENIGN,
        r"\b" + _OBJ + r" (?:da|dan|dio|dieron|daba|daban|va a dar|van a dar|pego|pegan|pega"
        r"|sono|sonaba|suena|suenan|agarro|agarra|agarraron)(?: \w+){0,2}? " + _BLOW + r"\b",
        r"\b" + _OBJ + r" (?:dejo|dejaron|deja|dejan|dejaba) (?:\w+ ){0,3}?(?:moretes|morados"
        r"|moretones|marcas|morad[oa]s?|moretead[oa]s?|marcad[oa]s?|hinchad[oa]s?|reventad[oa]s?)\b",
        r"\b" + _OBJ + r" (?:tira|tiran|tiro|tiraron|tiraba|tiraban|lanza|lanzo) (?:\w+ )?(?:cosas"
        r"|objetos|chancla|zapatos?|platos?|sillas?|botellas?|piedras|vasos?|el control)\b",
        r"\btengo (?:moretes|morados|moretones|marcas) (?:\w+ ){0,3}?(?:porque|de (?:los golpes"
        r"|la faja)|por los golpes)",
        veto=r"\b(?:lo|la|le|los|las) \w+ (?:\w+ ){0,3}?(?:pelota|bola|balon|al arco|gol)\b"
        r"|\b(?:lo|la|los|las) peg\w+ (?:con (?:goma|cinta|silicon|pega)|en (?:el|la)"
        r" (?:cuaderno|pared|refri|puerta|carro|pizarra))|\bpego (?:el|la) (?:gol|tiro|balon)"
        r"|\bme (?:pegue|golpee) (?:en|con|contra) (?:la|el|una|un|mi) (?:rodilla|cabeza|mesa"
        r"|puerta|pierna|brazo|dedo|codo|pared|silla|cama|esquina|frente|pie|espalda|mano)"
        r"|\b(?:jugando|sin querer|de broma|en broma|por accidente|con (?:la|una) almohada)\b",
    ),
    # Somebody is beating a relative right now or breaking their face.
    _rule(
        "abuse",
        r"\b" + _AGENT + r" (?:esta|estan|sigue|siguen) (?:pegando|golpeando|pateando|ahorcando"
        r"|maltratando|agarrando a golpes|ahogando) (?:a )?(?:mi|mis) " + _PEER + r"\b",
        r"\b(?:me|le|la|lo|nos|les) (?:revientan|reventaron|revento|revienta|parten|partieron"
        r"|partio|parte|rompio|rompieron) (?:la|el) (?:boca|cara|nariz|cabeza|labio|ojo)\b",
        r"\b(?:me|la|lo|nos) (?:va|van|iba|iban) a (?:partir|reventar|quebrar|romper|volar)"
        r" (?:la|el) (?:cara|boca|cabeza|jeta|hocico|nariz)\b",
        r"\b(?:entra|entraba|se mete|se metia|abre) (?:al|en el) bano cuando (?:me|se) (?:esta "
        r"|estoy )?(?:banando|cambiando|bano|bana|cambio|cambia)\b",
        r"\b(?:me|nos|la|lo|los|las) (?:pone|ponen|puso|obliga|obligan|hace|hacen|manda|mandan) a"
        r" (?:banarme|banarnos|banarse|desvestirme|desvestirnos|cambiarme|cambiarnos|quitarnos la"
        r" ropa) (?:con el|con ella|delante de el|frente a el|enfrente de el|y nos|y me)",
        r"\b(?:me|nos|la|lo|los|las) (?:toma|tomaba|toman|saca|sacaba) (?:fotos|videos) (?:cuando"
        r"|mientras) (?:me|nos|se) (?:bano|banamos|bana|banan|cambio|cambiamos|cambia|cambian)\b",
        r"\b(?:me|la|lo|le) (?:ve|veia|espia|espiaba|graba|grababa|mira|miraba) (?:cuando|mientras)"
        r" (?:me|se) (?:bano|bana|banaba|cambio|cambia|cambiaba|visto|viste)\b",
        # "el partido" is a match; "el labio partido" is an injury, and no excuse.
        veto=r"\b(?:jugando|de broma|en broma|sin querer|pelota|(?:el|un|del|al|ese|este) partido"
        r"|mejenga|examen)\b",
    ),
    # Sexual touching.
    _rule(
        "abuse",
        r"\b" + _OBJ + r" (?:toca|tocan|toco|tocaron|tocaba|tocaban|esta tocando|estan tocando"
        r"|toque|toquen|tocara|tocaran|manosee|manoseen|bese|besen"
        r"|ha tocado|han tocado|quiere tocar|quiso tocar|intento tocar|trato de tocar|manosea"
        r"|manosean|manoseo|manosearon|manoseaba|soba|sobaba|agarra|agarro|agarran|agarraba"
        r"|besa|beso|besaba|besan|mete la mano|metio la mano|metia la mano) (?:\w+ ){0,3}?"
        r"(?:las |los |mis |sus |el |la |mi |su )?" + _BODY + r"\b",
        r"\b" + _OBJ + r" (?:toca|tocan|toco|tocaron|tocaba|tocaban|manosea|manosean|manoseo"
        r"|manoseaba|besa|besaba|beso|besaron|besan) (?:de forma rara|raro|feo|cuando (?:duermo"
        r"|estoy dormid\w*"
        r"|estamos solos|mi mama no esta|no hay nadie|me bano)|mientras duermo|en las noches"
        r"|de noche|en la noche|sin permiso|y no me gusta|aunque le digo que no|a escondidas"
        r"|a la fuerza)",
        r"\b" + _AGENT + r"(?: (?!me\b|nos\b)\w+){0,3}? (?:me|la|le|lo|nos|las|los) (?:toca|tocan"
        r"|toco|tocaba|tocaron|tocaban|toque|toquen|manosea|manoseo|manoseaba)(?=\s*(?:[?!.,]|$"
        r"| y | cuando| mucho| siempre| feo| raro| sin| otra| porque| pero| mientras| todas"
        r"| todos| a escondidas))",
        r"\b" + _OBJ + r" (?:manosea|manosean|manoseo|manosearon|manoseaba|manoseaban)\b",
        r"\b(?:me|la|lo|nos) (?:esta|estan|estaba|estaban) (?:tocando|manoseando)(?=\s*(?:[?!.,]|$)"
        r"| (?:ahora|ahorita|en este momento|otra vez|de nuevo|y|cuando|mientras|todo el tiempo"
        r"|siempre|a escondidas)\b)",
        r"\bque (?:me|la|lo|le|nos|las|los) (?:toca|tocan|tocaba|tocaban|toco|tocaron|manosea"
        r"|manosean|manoseaba)" + _END,
        r"\b(?:me|la|lo|le|nos) (?:toca|tocan|tocaba|tocaban|toco|tocaron|manosea|manoseaba)"
        r" cuando (?:ella|el|mi \w+|nadie|mis papas|mi mama|los demas) no (?:esta|estan|ve|ven"
        r"|esta viendo|se da cuenta)\b",
    ),
    # Other sexual abuse.
    _rule(
        "abuse",
        r"\b(?:me|la|le|nos|lo) (?:hace|hacen|hizo|hicieron|hacia|hacian|quiere hacer|quiso hacer"
        r"|intento hacer) cosas(?! (?:de comer|ricas|bonitas|lindas|buenas|de la casa|chivas))",
        r"\b" + _OBJ + r" (?:obliga|obligan|obligo|obligaron|obligaba|forzo|forzaron|forza) a "
        + _alt(
            r"hacer cosas", r"tocarl\w*", r"tocarle", r"besarl\w*", r"chupar\w*", r"mamar\w*",
            r"tener (?:relaciones|sexo)", r"acostarme", r"dormir con", r"desvestirme",
            r"(?:verl[oa]|estar|andar|quedarme|banarme|dormir|ponerme)(?: \w+)? (?:sin ropa"
            r"|desnud\w*|en calzon\w*)",
            r"verlo desnudo", r"ver (?:porno|videos porno|videos de adultos|videos cochinos"
            r"|videos feos|cosas feas)", r"quitarme la ropa", r"meterme", r"tocarme",
        ),
        r"\babus\w* (?:sexualmente )?de (?:mi|nosotr\w+|ella|el|ellas|ellos|una? \w+|mi \w+"
        r"|mis \w+)\b",
        r"\b(?:me|la|lo|nos|las|los) (?:abusa|abusan|abuso|abusaron|abusaba|abusaban"
        r"|esta abusando)\b",
        r"\b(?:fui|he sido|soy|fue|ha sido) (?:victima de )?(?:abusad[oa]|violad[oa]|abuso"
        r"|violacion)",
        r"\b(?:me|la|lo|nos|las|los) (?:viola|violan|violo|violaron|violaba|violaban|quiso violar"
        r"|intento violar|trato de violar|quiere violar|quieren violar)\b",
        r"\b(?:me|la|nos) (?:forzo|forzaron|obligo a tener)\b",
        r"\b(?:entra|entraba|se mete|se metia|se mete|viene|venia) (?:a|en) (?:mi|su) (?:cuarto"
        r"|cama|bano) (?:de noche|en la noche|en las noches|por las noches|cuando (?:duermo"
        r"|estoy|me bano|mi mama)|mientras duermo|a escondidas|y me)",
        r"\bse (?:mete|metia|acuesta|acostaba) (?:en|a) mi cama\b",
        r"\bse acuesta conmigo\b",
        r"\bme (?:ve|veia|espia|espiaba|graba|grababa) (?:cuando me bano|desnud\w*|banandome"
        r"|en el bano|mientras me bano|cambiandome|cuando me cambio)",
        r"\bme (?:manda|mandaba) a (?:su cuarto|su cama)\b",
        r"\b(?:me|le|nos|la|lo) (?:ensen\w+|mostr\w+|muestra|muestran|saca|saco) (?:su|sus|el)"
        r" (?:pene|cosa|partes|pipi|miembro|parte intima)",
        r"\b(?:me|le|la|nos) (?:pone|puso|mete|metio|metia|ponia|pasa|paso|pasaba) la mano"
        r" (?:\w+ ){0,3}?(?:en|por|debajo|dentro|entre) (?:\w+ ){0,2}?" + _BODY + r"\b",
    ),
    # Threats, confinement, burns, neglect.
    _rule(
        "abuse",
        r"\b" + _OBJ + r" (?:amenaza|amenazan|amenazo|amenazaron|amenazaba|amenazaban"
        r"|esta amenazando)\b",
        r"\b(?:me|nos|la|lo) (?:va|van|iba|iban) a (?:matar|pegar|golpear|violar|sonar|hacer algo"
        r"|hacer dano|lastimar|quemar|encerrar|sacar de la casa|echar a la calle)\b",
        r"\b(?:me|nos|la|lo) (?:quiere|quieren|quiso|intento|trato de) matar\b",
        r"\b(?:quiere|quieren|quiso|intento|trato de|va a|van a|amenaza con|amenazo con)"
        r" (?:matarme|matarnos|ahorcarme|ahogarme|quemarme|violarme|pegarme|golpearme)\b",
        r"\b" + _OBJ + r" (?:tiene|tienen|tenia|tenian|deja|dejan) (?:\w+ )?(?:amarrad\w*"
        r"|encadenad\w*|atad[oa]s?)\b",
        r"\b(?:me|nos) (?:echan|tiran|sacan|van a echar|van a sacar) (?:a la calle|de la casa)"
        r" si no (?:traigo|llevo|consigo|vendo|hago|gano)\b",
        r"\b" + _OBJ + r" (?:amarra|amarran|amarro|amarraron|amarraba|amarraban|ata|atan|ato"
        r"|ataron|ataba|encadena|encadenan|encadeno)\b(?! (?:los cordones|el pelo|las tenis"
        r"|los zapatos|el zapato|la cola))",
        r"\b" + _OBJ + r" (?:encierra|encierran|encerro|encerraron|encerraba|encerraban)\b",
        r"\b" + _OBJ + r" (?:deja|dejan|dejaba|dejaban) (?:\w+ ){0,4}?(?:encerrad\w*|sin comer"
        r"|sin comida)\b",
        r"\bno (?:me|nos) (?:deja|dejan|dejaba|dejaban) (?:salir|ir) (?:de mi cuarto|del cuarto"
        r"|del bano|nunca|ni a la escuela|ni al cole|ni a comer)",
        r"\bno (?:me|nos|le|les) (?:da|dan|daba|daban) (?:de )?comer\b",
        r"\b" + _OBJ + r" (?:quema|queman|quemo|quemaron|quemaba|quemaban) (?:\w+ ){0,3}?con"
        r" (?:\w+ ){0,2}?"
        r"(?:cigarr\w*|plancha|encendedor|fosforos?|fuego|cuchar\w*|agua caliente|aceite"
        r"|candela|cuchillo caliente)",
        # "me amenazó con decirle a mi mamá": tattling, not a threat of harm.
        # "me amenazó con borrarme la partida", "con no hablarme más": a squabble over games,
        # things and friendship.
        veto=r"\bamenaz\w+ con (?:decir|decirle|decirles|contar|contarle|contarles|acusar|acusarme"
        r"|chismear|(?:quitarme|borrarme|esconderme|romperme|desconectarme) (?:el|la|los|las|mi"
        r"|mis) (?:cel|celular|control|play|partida|juego|cuenta|compu|tablet|tele|wifi|cuaderno"
        r"|skins?|personaje|nivel|mundo|fotos? de perfil)|no (?:volver a )?(?:hablarme|invitarme"
        r"|prestarme|pasarme la tarea|juntarse conmigo|ser mi amig\w+)|bloquearme|dejarme de"
        r" hablar|sacarme del (?:grupo|equipo|clan|chat))\b"
        # ... unless the threat buys silence: "si le cuento a mi mamá lo que me hace".
        r"(?! (?:\w+ ){0,8}?si (?:le |les |se lo )?(?:cuento|cuenta|cuentas|contas|digo|dice|dices"
        r"|decis|aviso|hablo|denuncio))",
    ),
    _rule(
        "abuse",
        r"\bsi (?:le |les |se lo |se la )?(?:cuento|cuenta|contas|cuentas|digo|dice|decis|dices"
        r"|hablo|habla|denuncio|denuncia|aviso|avisa|le digo|le cuento|no hago|no le hago|me voy"
        r"|me niego|grito|lloro) (?:\w+ ){0,5}?(?:me|nos|la|lo|le|te) (?:mata|matan|mato|pega"
        r"|pegan|quema|encierra|echa de la casa|saca de la casa|(?:va|van) a (?:matar|pegar"
        r"|golpear|hacer algo|hacer dano|sacar de la casa|echar|encerrar|quemar|violar|llevar"
        r"|vender|lastimar|sonar)|hace (?:algo|dano|cosas))\b",
        threat=True,
        danger=False,
    ),
    # Verbal abuse and bullying: worth an officer's look, but weaker than anything physical.
    _rule(
        "abuse",
        r"\b(?:me|nos|la|lo|le) (?:insulta|insultan|insultaba|insultaban|humilla|humillan"
        r"|humillaba|humillaban)\b",
        r"\b(?:me|nos|la|lo|le) (?:grita|gritan|gritaba|gritaban) (?:\w+ ){0,3}?(?:todos los dias"
        r"|siempre|que soy|groserias|cosas feas|que no sirvo|que me odia|insultos)",
        r"\b(?:me|le) (?:dice|dicen|decia|decian|dijo|dijeron) (?:que soy |que es )?(?:una? )?"
        r"(?:estupid\w*|inutil|basura|puta|perra|zorra|idiota|tonta|bruta|estorbo|error|mierda"
        r"|vag[oa]|cualquiera|hijueputa|malparid\w*)",
        r"\b(?:me|le) (?:dice|dicen|decia|dijo) que ojala (?:me|se) (?:muera|hubiera muerto)",
        r"\b(?:me|le) (?:dice|dicen|decia|dijo|grita|gritan) que (?:ojala )?(?:mejor )?(?:nunca )?"
        r"(?:no )?(?:hubiera|hubiese) nacido",
        r"\b(?:me|nos|la|lo|le) (?:trata|tratan|trataba|trataban) (?:muy |super )?mal\b",
        r"\b(?:me|le|nos) (?:hace|hacen|hacian) (?:bullying|matonismo|acoso)\b",
        r"\b(?:me|la|nos) (?:acosa|acosan|acoso|acosaba|acosaban|esta acosando)\b",
        r"\b(?:sufro|sufrimos|vivo|vivimos|hay) (?:de |con )?(?:abuso|maltrato|violencia)"
        r" (?:en (?:mi|la) casa|intrafamiliar|domestica|de mi)",
        weak=True,
    ),
)

_SELF_HARM_VETO = (
    r"\bcort\w+ (?:el|la|las|los|mi|mis) (?:pelo|cabello|unas|una|fleco|pollina|barba"
    r"|flequillo|puntas|melena)\b|\bse me corto\b|\bme voy a tirar (?:a la|al|en la|en el)"
    r" (?:piscina|poza|cama|sillon|suelo|pista|zacate|playa|agua|cancha|rio a nadar)"
    r"|\bdesaparecer (?:del|de la|de los|de este|de ese|de esta|de mi) (?:grupo|chat|clase|cole"
    r"|foto|fotos|mapa|redes|insta|instagram|face|tiktok|whatsapp|lista|equipo|fiesta)"
)

# Medicine taken for an illness, not an overdose.
_MEDICAL_CONTEXT = (
    r"\bpara (?:el|la|los|las|mi) (?:dolor|fiebre|gripe|tos|alergia|colicos?|presion|migrana"
    r"|cabeza|estomago|garganta|asma|acne|infeccion|regla|muela|resfrio|ansiedad que me)"
    r"|\bque me (?:dio|receto|mando|recomendo) (?:el|la) (?:doctor\w*|medic[oa]|enfermer\w+"
    r"|farmaceutic\w+)|\bdel (?:doctor|medico|ebais|hospital)\b|\bya (?:estoy|me siento) mejor\b"
)
_HIGH_PLACE = (
    r"\b(?:puente|azotea|techo|balcon|edificio|baranda|borde|cornisa|torre|ventana|mirador"
    r"|precipicio|barranco|guindo|acantilado|tren|carretera|autopista|rio|mar|catarata|represa"
    r"|piso \d+|\d+ pisos)\b"
)
_LEISURE_JUMP = (
    r"\b(?:piscina|poza|trampolin|paracaidas|bungee|bungy|canopy|cuerda|cama|sillon|a nadar"
    r"|clavado|de alegria|de la emocion|de felicidad|olas|surf\w*|tabla|la ola|mejenga|gol"
    r"|la tarea|la clase|el almuerzo)\b"
)
_FAREWELL_BENIGN = (
    r"\b(?:mudo|mudamos|muda|mudanza|mudarnos|mudarme|a vivir a|va a vivir|voy a vivir|de viaje"
    r"|intercambio|se jubila|se pensiona|se retira|nuevo cole|otro cole|otra escuela|otro colegio"
    r"|a la iglesia|ya no me queda|ya estoy grande|ya no (?:me )?(?:sirve|uso|juego)|vacaciones"
    r"|del grupo|del chat|de la app|de las redes|de insta|de tiktok|del face)\b"
)

_SELF_HARM = (
    _rule(
        "self_harm",
        r"\b(?:me|se) (?:quiero|quiere|queria|quisiera|kiero) (?:morir|matar|suicidar|ir de este"
        r" mundo|desaparecer|quitar la vida)\b",
        r"\b(?:quiero|queria|quisiera|quiere|querer|ganas de|pienso en|pensando en|planeando"
        r"|he pensado"
        r" en) (?:\w+ )?(?:morirme|morir|matarme|suicidarme|matarse|suicidarse|morirse"
        r"|desaparecer|dejar de existir|dejar de vivir|irme de este mundo|no despertar|quitarme la"
        r" vida|quitarse la vida|acabar con (?:todo|mi vida|esto)|estar muert[oa]|cortarme"
        r"|cortarse|lastimarme|hacerme dano|la muerte)\b",
        r"\bya no (?:quiero|quiere|aguanto) (?:vivir|estar aqui|seguir|existir|despertar"
        r"|seguir viviendo|estar en este mundo|la vida)\b",
        r"\bno (?:quiero|quiere) (?:vivir|seguir viviendo|existir|despertar|seguir aqui"
        r"|seguir vivo|seguir viva)\b",
        r"\b(?:me|nos|se) (?:voy|vamos|va) a (?:matar|suicidar|colgar|ahorcar|envenenar"
        r"|cortar las venas)\b",
        r"\bme voy a tirar\b",
        r"\bse (?:va|quiere|iba) a tirar (?:de|del|desde|por|al|a la)\b",
        r"\b(?:seria|es|fuera) mejor (?:no existir|no estar|estar muert[oa]|si (?:no existiera"
        r"|me muriera|no estuviera))\b",
        r"\b(?:hoy|manana|esta noche|ya|ahorita|ahora|mejor) me (?:mato|suicido)\b",
        r"\bme mato" + _END,
        r"\bsuicid\w*",
        r"\b(?:me|se) (?:corto|corta|cortaba|cortan)\b",
        r"\b(?:me|se) (?:he|ha|estoy|esta|sigo|sigue|vuelvo a|volvi a) cort\w+",
        r"\bme corte (?:\w+ )?(?:los brazos|las piernas|las munecas|la muneca|el brazo|la pierna"
        r"|los muslos|la panza|a proposito|otra vez|de nuevo|con (?:una |la )?(?:gillete|navaja"
        r"|cuchilla|hoja de afeitar|tijera|vidrio)|porque|para)",
        r"\bcortes? en (?:los|mis|el|la) (?:brazos?|piernas?|munecas?|muslos?)",
        r"\bautoles\w*",
        r"\b(?:me|se) (?:rasguno|rasgune|rasguna|rayo|raye|arano|arane|pellizco|quemo|golpeo"
        r"|muerdo|corto|corte|lastimo) (?:\w+ )?(?:los brazos|las piernas|las munecas|la piel"
        r"|el brazo|los muslos|la panza) (?:\w+ )?(?:hasta (?:sangrar|que sangr\w+|hacerme dano)"
        r"|a proposito|cuando (?:estoy|me siento))",
        r"\b(?:me|se) \w+ (?:\w+ ){0,3}?hasta (?:sangrar|que (?:me )?sal\w* sangre)\b",
        r"\bcarta de despedida\b",
        r"\bya me (?:despedi|despido) de todos\b",
        r"\bregale (?:todas )?mis cosas (?:porque|para que) (?:ya )?no (?:las )?voy a (?:necesitar"
        r"|estar)",
        r"\b(?:sin|no tengo|ni|perdi las) ganas de vivir\b",
        r"\bquiero que todo (?:termine|se acabe|acabe)\b",
        r"\b(?:me|se) (?:hago|hace|hice|hizo) dano\b",
        r"\b(?:me|se) (?:lastimo|lastima|lastime) (?:a proposito|sola|solo|yo mism\w*|cuando)",
        r"\b(?:me|se) (?:quemo|queme|quema) a proposito\b",
        r"\btomarme (?:las|todas las|unas|un monton de|muchas|el frasco de|el|un) (?:\w+ )?"
        r"(?:pastillas|pildoras|veneno|cloro|medicinas|frasco)",
        r"\b(?:me|se) (?:tome|tomo|voy a tomar|quiero tomar|va a tomar|quiere tomar) (?:todas las"
        r"|un monton de|muchas|las|el frasco de|unas) (?:\w+ )?(?:pastillas|pildoras|medicinas"
        r"|acetaminofen|clonazepam|veneno|cloro)",
        r"\b(?:me|se) (?:tome|tomo|trague|trago) (?:todo el frasco|el frasco entero"
        r"|un frasco entero"
        r"|todas (?:las|sus|mis) (?:pastillas|pildoras|medicinas))\b",
        r"\bya tengo (?:las|el|la|una|un) (?:pastillas|veneno|cuchillo|navaja|soga|cuerda"
        r"|gillete|cuchilla|arma|pistola|pildoras)",
        r"\bya tiene (?:la|una|las|el) (?:soga|cuerda|pastillas|veneno|gillete|cuchilla)\b",
        r"\b(?:brazos|munecas|piernas) (?:cortad[oa]s|llenos? de cortadas|con cortadas)\b",
        r"\btengo (?:las|unas|todas las|el|la|una|un) (?:pastillas|pildoras|veneno|navaja|cuchilla"
        r"|soga|gillete) (?:en la mano|listas?|aqui|guardad\w*|conmigo|para (?:tomarmelas|matarme"
        r"|hacerlo))",
        r"\bjuntando pastillas\b",
        r"\bno vale la pena (?:vivir|seguir)",
        r"\bla vida no vale la pena\b",
        r"\b(?:planee|planeo|planeando|pense|pienso|se|busque|buscando|busco) como (?:matarme"
        r"|suicidarme|morirme|quitarme la vida|ahorcarme|colgarme|envenenarme)\b",
        r"\b(?:matarme|suicidarme|quitarme la vida|ahorcarme|colgarme|envenenarme)\b",
        r"\btirarme (?:del|de un|de una|de la|al|a la|a un|por la) (?:puente|edificio|ventana"
        r"|techo|rio|carretera|tren|balcon|piso|precipicio|barranco|guindo|calle|carro|bus)\b",
        r"\b(?:cansad[oa]|hart[oa]|aburrid[oa]) de (?:vivir|la vida|existir|estar viv[oa]"
        r"|seguir viv[oa])\b",
        r"\bno (?:puedo|aguanto) mas con (?:mi vida|esta vida|la vida|todo)\b",
        r"\b(?:mi )?vida no tiene (?:sentido|razon)\b|\bno le (?:encuentro|veo) sentido a (?:la"
        r"|mi) vida\b|\bnada tiene sentido\b",
        r"\b(?:sobro|estorbo) en (?:este mundo|esta vida|esta casa|todos lados)\b"
        r"|\bno (?:deberia|debi) (?:existir|haber nacido)\b|\bsoy una carga para\b",
        r"\bdormir y no despertar\b",
        r"\bmejor (?:estaria|estar|estoy|seria estar) muert[oa]",
        r"\bojala (?:me muera|estuviera muert[oa]|no despertar|no haber nacido|no hubiera nacido"
        r"|no despierte)",
        r"\btodos (?:estarian|estarán|estaran) mejor sin mi\b",
        r"\bnadie (?:me extranaria|notaria si me muero|me va a extranar|se daria cuenta si me"
        r" muero)",
        veto=_SELF_HARM_VETO + r"|\b(?:me (?:despedi|despido) de todos|carta de despedida|todo"
        r" (?:termine|se acabe|acabe)) (?:\w+ ){0,4}?(?:(?:porque|ya que) (?:me|se|nos) (?:va|voy"
        r"|vamos|mudo|muda|mudamos|cambio|cambia)|(?:vivir|mudarse|mudarme|irse|irme) (?:a|al|a la)"
        r"|bien|del cole"
        r"|del curso|del ano|del semestre|examen\w*|vacaciones|graduacion|viaje|mudanza)"
        r"|" + _MEDICAL_CONTEXT
        + r"|\bme voy a tirar (?:\w+ ){0,3}?(?:trampolin|piscina|poza|tobogan"
        r"|clavado|paracaidas|canopy|bungee)",
    ),
    # At the edge of a drop and getting ready: "estoy en el puente y ya me quité los zapatos".
    _rule(
        "self_harm",
        r"\b(?:estoy|esta|sentad[oa]|parad[oa]|subid[oa]) (?:en|sobre) (?:el|la) (?:borde|baranda"
        r"|orilla|cornisa)\b",
        r"\b(?:me|se) (?:subi|subio|pase|paso|sente|sento|pare|paro) (?:a|en|sobre|al otro lado de)"
        r" (?:la|el) (?:baranda|borde|cornisa|muro)\b",
        r"\bya (?:me quite|se quito) los zapatos\b",
        r"\bya (?:deje|dejo) (?:mis|sus|el|la|los) (?:cosas|zapatos|celular|cel|mochila|bulto"
        r"|carta)\b",
        r"\bya me despedi\b",
        requires=r"\b(?:puente|azotea|techo|balcon|edificio|torre|mirador|precipicio|barranco"
        r"|guindo|acantilado|piso \d+|\d+ pisos)\b",
        veto=_LEISURE_JUMP + r"|\b(?:foto|fotos|selfie|vista|atardecer|paisaje|estrellas)\b",
        danger=True,
    ),
    # A high place and the will to jump, fall or let go: "estoy en el puente y voy a saltar".
    _rule(
        "self_harm",
        r"\b(?:voy a|me voy a|quiero|tengo ganas de|pienso|ya me voy a|estoy a punto de"
        r"|me dan ganas de|ganas de|decidi|ya decidi) (?:saltar|brincar|tirar|lanzar|soltar|aventar"
        r"|dejar caer)(?:me)?\b",
        r"\bse (?:va|iba|quiere|queria) a (?:lanzar|brincar|saltar|aventar|soltar|dejar caer)\b",
        requires=_HIGH_PLACE,
        veto=_LEISURE_JUMP,
        danger=True,
    ),
    _rule(
        "self_harm",
        r"\b(?:se|me) (?:tira|lanza|brinca|avienta|bota|tiro|lanzo|brinco|tire|lance|brinque)"
        r" (?:del|(?:de|desde) (?:la|el|un|una|este|esta)) (?:azotea|puente|techo|edificio|balcon"
        r"|torre|ventana|mirador|precipicio|barranco|guindo|acantilado)\b",
        r"\b(?:saltar|brincar|tirarme|lanzarme|aventarme|tirarse|lanzarse|aventarse) (?:del|(?:de"
        r"|desde) (?:la|el|un|una|este|esta)) (?:azotea|puente|techo|edificio|balcon|torre|ventana"
        r"|mirador|precipicio|barranco|guindo|acantilado|baranda)\b",
        r"\b(?:meter(?:me|se)?|tirar(?:me|se)?|entrar|caminar) (?:al|en el|a la|hacia el|hasta el)"
        r" (?:mar|rio|agua|lago|represa)\b(?: \w+){0,3}? (?:hasta (?:no volver|el fondo|que no"
        r"|ahogarme|ahogarse)|y no (?:salir|volver)|para no (?:volver|salir)|para siempre)",
        veto=_LEISURE_JUMP,
        danger=True,
    ),
    # Throwing oneself in front of a train or into traffic.
    _rule(
        "self_harm",
        r"\b(?:me|se) (?:tiro|tire|tira|lanzo|lanza|avento|avienta|atravieso|atraviesa)"
        r" (?:a|al|a la"
        r"|frente al|frente a la|en la|en el|debajo del|debajo de la) (?:linea del tren|tren"
        r"|via del tren|linea|carretera|autopista|trafico|calle|carro|carros|bus|trailer|rio)\b",
        veto=_LEISURE_JUMP,
    ),
    # Farewells and giving things away: a plan, so danger now.
    _rule(
        "self_harm",
        r"\b(?:su|mi) ultim[oa] (?:historia|post|publicacion|mensaje|estado|video|foto|story)\b",
        r"\b(?:esa|esta|eso|esto) (?:era|es|seria|fue) (?:mi|su) ultim[oa]\b",
        r"\b(?:gracias por todo|perdon(?:en|enme|ame)? por todo|adios a todos|los quiero a todos)"
        r"\b(?: \w+){0,8}? (?:no contesta|no responde|no aparece|tiene el cel apagado"
        r"|apago el cel|nadie sabe donde)",
        r"\b(?:publico|subio|puso|escribio|mando|posteo)\b(?: \w+){0,8}? (?:gracias por todo"
        r"|adios a todos|se despide de todos|se despidio de todos|(?:la|lo|los) perdonen|ya no"
        r" (?:la|lo|los) (?:van|vamos) a ver)",
        r"\bse va\b(?: \w+){0,3}? (?:y )?que (?:la|lo) perdonen\b",
        r"\bya no (?:me|lo|la) (?:van|vas|vamos|va) a (?:ver|volver a ver)(?: mas| nunca)?" + _END,
        r"\bya no (?:me|lo|la) (?:van|vas|vamos|va) a ver (?:mas|nunca)\b",
        r"\bya no (?:van|vas|va) a saber (?:mas )?(?:nada )?de (?:mi|el|ella)\b",
        r"\b(?:le|les) (?:dije|dijo) adios a todos\b",
        r"\b(?:me|se) (?:despido|despedi|despide|despidio) de (?:todos|ustedes|mi familia"
        r"|su familia)\b",
        r"\b(?:ya )?(?:regale|repart\w+|he regalado|estoy regalando|regalo|regalando) (?:todas "
        r"|todos )?(?:mis|sus) cosas\b",
        r"\b(?:ya )?no (?:voy|va) a (?:necesitar|ocupar) (?:nada|mis cosas|sus cosas|mas nada"
        r"|nada mas|mas mis cosas)\b",
        r"\bya no (?:las|los|lo|la) (?:voy|va) a (?:necesitar|ocupar)\b",
        r"\bporque (?:el |ella |yo )?ya no (?:va|voy) a estar" + _END,
        r"\b(?:soga|cuerda|pastillas|veneno|carta)\b(?: \w+){0,8}? (?:hoy es el dia|ya es hora"
        r"|ya llego el dia|hoy lo hago|esta noche lo hago)\b",
        r"\b(?:nota|carta|mensaje|audio|video) (?:que dice|diciendo|donde dice|de) (?:perdon"
        r"|adios|los quiero|lo siento|gracias por todo)\b",
        r"\b(?:audio|mensaje|video|carta) (?:\w+ )?despidiendose\b|\bdespidiendose de (?:todos"
        r"|mi|nosotros|su familia)\b",
        r"\bya no (?:me|le) (?:hace|hacen) falta (?:nada|mis cosas|sus cosas)\b",
        r"\ben la mano\b(?: \w+){0,4}? no se si (?:hoy |ahora |esta vez |esta noche )?(?:si )?(?:lo"
        r" hago|me aguanto|aguanto|me detengo)\b",
        r"\bno se si (?:hoy|esta noche|ahorita|esta vez) (?:si )?lo hago\b",
        veto=_SELF_HARM_VETO + r"|" + _FAREWELL_BENIGN,
        danger=True,
    ),
    # Indirect wishes not to exist, and means kept ready.
    _rule(
        "self_harm",
        r"\b(?:mejor|mas tranquil\w+|mas feliz\w*|bien|mejor para todos) (?:\w+ ){0,3}?(?:si|que)"
        r" (?:yo )?no (?:estuviera|existiera|estuviese|existiese|hubiera nacido)\b",
        r"\bsoy (?:una|un) (?:carga|estorbo)\b",
        r"\b(?:guarde|escondi|junte|estoy juntando|tengo guardad\w+|tengo escondid\w+) (?:el |la"
        r" |las |los |un |una |unas |mucho |muchas )?(?:veneno|pastillas|pildoras|soga|cuerda"
        r"|gillete|cuchilla|navaja)\b(?: para ratas)?(?: \w+){0,3}? (?:en mi cuarto|debajo de"
        r"|en mi mochila|por si|para (?:cuando|tomarmel\w+|hacerlo|despues))",
        r"\bse encierra en el bano\b(?: \w+){0,6}? (?:sangre|cortadas|cortes)\b",
        r"\b(?:pensar|pienso|pensando|penso) en no (?:moverme|despertar|seguir|volver)\b",
        r"\b(?:cuantas|que) pastillas (?:se necesitan|hacen falta|ocupo) para\b",
        r"\b(?:cuantas|que) pastillas se necesitan\b",
        veto=_SELF_HARM_VETO + r"|" + _MEDICAL_CONTEXT,
        # Like a threat's, the "si" of "estarían mejor si yo no existiera" belongs to the
        # statement itself: it is not a what-if.
        threat=True,
    ),
    # Means at hand and doubt about holding back: "tengo una navaja y no sé si aguanto".
    _rule(
        "self_harm",
        r"\bno (?:se|creo) (?:si|que) (?:me )?(?:voy a |vaya a )?(?:aguantar|aguante|aguanto"
        r"|detener|detenga)\b",
        requires=r"\b(?:gillete|cuchilla|navaja|cuchillo|pastillas|pildoras|soga|cuerda|veneno"
        r"|cortarme|cortar|puente|azotea)\b",
        danger=True,
    ),
)

_RULES: tuple[_Rule, ...] = _ABUSE + _SELF_HARM


def _pattern_counts() -> dict[str, int]:
    """How many alternative patterns each category has; used in review, not at runtime."""
    counts: dict[str, int] = {}
    for rule in _RULES:
        # The top-level alternation of each compiled rule is one pattern per alternative.
        counts[rule.category] = counts.get(rule.category, 0) + _top_level_alternatives(
            rule.regex.pattern
        )
    return counts


def _top_level_alternatives(pattern: str) -> int:
    # _alt wraps the rule in one non-capturing group; count "|" at depth one inside it.
    depth = 0
    count = 1
    escaped = False
    in_class = False
    for ch in pattern:
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 1:
            count += 1
    return count


# --------------------------------------------------------------------------------------------
# Figurative speech: masked out before disclosure patterns run
# --------------------------------------------------------------------------------------------

_DEATH_WORD = _alt(
    r"morir", r"morirme", r"morirse", r"muero", r"muere", r"morimos", r"mori", r"muriendo",
    r"muert[oa]s?", r"matar", r"matarme", r"mato", r"mata", r"desaparecer", r"explotar",
    r"explota", r"explotando", r"mate",
)
_FIGURATIVE_CAUSE = _alt(
    r"risa", r"hambre", r"sueno", r"aburrimiento", r"aburrid\w*", r"verguenza", r"pena",
    r"calor", r"frio", r"cansancio", r"ganas", r"envidia", r"amor", r"nervios", r"sed",
    r"pereza", r"ternura", r"emocion", r"felicidad", r"alegria", r"gusto", r"asco", r"colera",
    r"celos", r"curiosidad", r"estres", r"tanto estudiar", r"tanta tarea", r"tanto trabajo",
    r"ansias", r"lo lindo", r"lo bonito", r"lo cute", r"la risa", r"la verguenza", r"la pena",
    r"el aburrimiento", r"el cansancio", r"el calor", r"el frio", r"el hambre", r"el sueno",
    r"los nervios", r"la emocion", r"las ganas",
)
_SCHOOL_TROUBLE = _alt(
    r"nota", r"notas", r"examen\w*", r"boleta", r"prueba", r"quiz", r"materia", r"pierdo",
    r"perdi", r"pierda", r"repruebo", r"reprobe", r"repruebe", r"jalo", r"me jale",
    r"me quedo", r"tarde", r"cuarto", r"tarea", r"uniforme", r"celular", r"cel", r"plata del bus",
    r"platos", r"trastes", r"compu", r"tele", r"partido", r"olvid\w*", r"rompi", r"rompo",
    r"rompa", r"cuaderno", r"carro", r"llaves", r"mate", r"promedio", r"bote", r"perdo",
    r"gaste", r"gasto", r"desorden", r"regue", r"quemo la comida", r"queme",
)
_INANIMATE = _alt(
    r"examen\w*", r"quiz", r"prueba", r"parcial", r"tarea", r"practica", r"materia",
    r"mate", r"matematicas?", r"fisica", r"quimica", r"calculo", r"partido", r"juego",
    r"nivel", r"boss", r"jefe final", r"equipo", r"liga", r"saprissa", r"herediano",
    r"cartagines", r"clase", r"semestre", r"horario", r"lunes", r"semana", r"vida", r"calor",
    r"frio", r"trafico", r"presa", r"fila", r"profe de \w+ con (?:el|ese) examen",
)

# What amuses or moves: "me morí con ese meme" is laughter, never death.
_MEDIA_NOUN = _alt(
    r"memes?", r"chistes?", r"videos?", r"canciones", r"cancion", r"series?", r"final",
    r"capitulos?", r"peliculas?", r"novelas?", r"comentarios?", r"audios?", r"tiktoks?",
    r"reels?", r"stickers?", r"outfits?", r"bailes?", r"jugadas?", r"goles", r"gol",
    r"concierto", r"temporada", r"episodios?", r"trailer", r"coreografia", r"respuesta",
    r"historia de insta\w*", r"post", r"foto de perfil", r"cara que puso", r"broma",
)

# Jokes, games, memes and crushes: everyday talk that borrows the words of harm.
_NOT_JOKING = (
    r"(?!.*\b(?:en serio|de verdad|no es broma|no estoy jugando|ya no aguanto|ya no puedo"
    r"|no quiero vivir|vivir|nadie|pastillas|cortarme|matarme|suicid\w*|despedir\w*"
    r"|todos los dias|cada dia|fotos?|packs?|nudes|desnud\w*|amenaz\w*|me pega\w*|me toca\w*"
    r"|plata|regal\w+)\b)"
)
_LAUGH = r"(?=.*\b(?:ja(?:ja)+|js(?:js)+|je(?:je)+|xd+|lol)\b)"
# A crush's silence only: school stress with "me quiero morir" and no laughter stays a
# disclosure ("mañana tengo examen y me quiero morir").
_TRIVIAL_SORROW = _alt(
    r"(?:me |nos )?dej\w* en visto", r"en visto", r"historia con otr[oa]",
    r"no me (?:contesta|contesto|responde|respondio)",
)
_GAME = _alt(
    r"among us", r"amongus", r"minecraft", r"roblox", r"free ?fire", r"freefire", r"fortnite",
    r"fifa", r"gta", r"brawl stars", r"clash royale", r"call of duty", r"warzone", r"valorant",
    r"pubg", r"el juego", r"la partida", r"el server", r"el servidor", r"el mapa", r"el lobby",
    r"la ranked",
)
_GAME_VIOLENCE = (
    r"(?:\w+ ){0,2}?(?:matar|mato|mate|matamos|maten|matan|mataron|matando|encerr\w+|encierr\w+"
    r"|secuestr\w+|dispar\w+)"
)
_RETURNABLE = _alt(
    r"lapicero", r"lapiz", r"borrador", r"cuaderno", r"calculadora", r"cargador", r"audifonos",
    r"libro", r"sueter", r"jacket", r"blusa", r"camisa", r"ropa", r"control", r"juego", r"regla",
    r"marcadores?", r"colores", r"tajador", r"botella", r"gorra", r"tenis", r"cable", r"compas",
    r"tarea", r"resumen", r"apuntes", r"maquillaje", r"peine", r"secadora",
)
_OUTING = _alt(
    r"mall", r"multiplaza", r"cine", r"helados?", r"pizza", r"compras", r"pasear", r"soda",
    r"mc ?donalds", r"kfc", r"cafe", r"lincoln", r"city mall", r"karaoke", r"bolos",
    r"mega ?super", r"comer", r"tomar algo",
)
_PLAYFUL: tuple[str, ...] = (
    # "me dejó en visto, me quiero morir": a crush's silence, not a wish to die.
    # Only the named part is masked; the check for seriousness spans the whole message.
    r"^" + _NOT_JOKING + r".*?\b(?P<mask>" + _TRIVIAL_SORROW + r"(?: \w+){0,3}?(?: ,)? (?:y )?"
    r"(?:me quiero morir|quiero morirme|me muero|me voy a morir))\b",
    r"^" + _NOT_JOKING + r".*?\b(?P<mask>me quiero morir|quiero morirme|me muero)\b(?=(?: ,)?"
    r"(?: \w+){0,8}? " + _TRIVIAL_SORROW + r"\b)",
    # "en among us los voy a matar", "me encerraron en el mapa de roblox"
    r"\b(?:en|jugando|jugamos|jugar) (?:al |el |la |a )?" + _GAME + r"\b(?: \w+){0,5}? "
    + _GAME_VIOLENCE + r"\b",
    r"\b" + _GAME_VIOLENCE + r"\b(?: \w+){0,4}? (?:en|de|del) (?:el |la |una |un )?(?:mapa |server"
    r" |servidor |partida |juego |nivel |lobby |mundo )?(?:de )?" + _GAME + r"\b",
    r"\b(?:me toco|me salio|soy|fui|sali|quede) (?:de |ser )?(?:el |la )?impostor\b",
    # "mis amigas me secuestraron para ir al mall"
    r"\b(?:(?:me|nos|la|lo|las|los|te) )?secuestr\w+(?: a (?:la |el |mi |mis )?\w+)? (?:para|pa)"
    r" (?:\w+ ){0,3}?" + _OUTING + r"\b",
    r"\bmemes?\b(?: \w+){0,6}? (?:lo |la |los |las )?(?:secuestr\w+|mat\w+|encerr\w+)\b",
    # "me va a matar si no le devuelvo el lapicero jaja"
    r"\b(?:me|nos) (?:va|van) a (?:matar|asesinar|colgar) si (?:no )?(?:le |les )?(?:devuelvo"
    r"|devolvemos|regreso|paso|presto|devuelva) (?:el|la|los|las|su|sus|mi|mis) (?:\w+ )?"
    + _RETURNABLE + r"\b" + _LAUGH,
    r"\b(?:me|nos) (?:va|van) a (?:matar|asesinar|colgar) si (?:se entera|se da cuenta|ve|sabe)"
    r" (?:de )?que (?:me puse|use|agarre|me comi|me tome|rompi|perdi|le quite|le agarre|le use"
    r"|le rompi|le perdi|le manche|manche) (?:su|sus|la|el|los|las) \w+" + _LAUGH,
    r"\b(?:me|nos) hicieron una broma y (?:me|nos) encerraron\b(?: \w+){0,6}" + _LAUGH,
    # A song's words, and the tune that will not leave one's head.
    r"\b(?:cancion|letra|rola|coro)\b(?: \w+){0,3}? dice (?:que )?(?:\w+ ){0,6}?(?:matar|morir"
    r"|mato|muero|muera)\b(?: de \w+)?",
    r"\b(?:y )?no me (?:la|lo) (?:saco|puedo sacar) de la cabeza\b",
)

_FIGURATIVE: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # "me muero de risa", "me quiero morir de la vergüenza", "estoy muerto del cansancio"
        r"(?:\b(?:me|nos|se) )?(?:\b(?:quiero|quiere|queria|voy a|va a|estoy|esta|estaba|casi"
        r"|estamos) )?\b" + _DEATH_WORD + r" (?:de la|de lo|de los|de las|del|de|con la|por la)"
        r" " + _FIGURATIVE_CAUSE + r"\b",
        # "me va a matar si pierdo", "mi mamá me mata cuando vea las notas"
        r"\b(?:me|nos) (?:va|van|iba|iban) a (?:matar|asesinar|colgar|ahorcar|pegar) (?:si|cuando"
        r"|porque|por) (?:\w+ ){0,6}?" + _SCHOOL_TROUBLE + r"\b",
        r"\b(?:me|nos) (?:mata|matan) (?:si|cuando) (?:\w+ ){0,6}?" + _SCHOOL_TROUBLE + r"\b",
        # "me mata este calor", "esta tarea me está matando"
        r"\bme (?:mata|matan|esta matando|estan matando|va a matar) (?:este|esta|el|la|ese|esa"
        r"|tanto|tanta|de) (?:calor|frio|tarea|examen|clase|profe|materia|trafico|presa|fila"
        r"|dolor de cabeza|dolor|sueno|hambre|risa|cole|u|semana|horario|cansancio|mate"
        r"|matematica|fisica|quimica|estres|ansiedad de los examenes)\w*",
        r"\b(?:este|esta|el|la|ese|esa|tanta|tanto) " + _INANIMATE + r" (?:me|nos)"
        r" (?:mata|matan|esta matando|va a matar|tiene muert[oa])\b",
        # "me explota con tanta tarea"
        r"\b(?:me|nos) (?:explota|explotan|va a explotar|esta explotando) (?:la cabeza"
        r"|el cerebro|con (?:tanta|tanto|tantas|tantos|la|el|las|los|esta|este) \w+)",
        # "me secuestraron el cel"
        r"\b(?:me|nos|le) (?:secuestr\w+|rob\w+|confisc\w+) (?:el|la|los|las|mi|mis|su|sus)"
        r" (?:cel|celular|telefono|compu|computadora|tablet|lapiz|lapicero|cuaderno|comida"
        r"|merienda|silla|control|cargador|audifonos|novio|novia|asiento|puesto|lugar|pelota"
        r"|bola|bici|cuenta|tiempo|mejor amig\w*|play|switch|wifi|clave|papitas|confites)\b",
        r"\bsecuestr\w+ (?:el|la|mi|los|las) (?:cel|celular|telefono|compu|tablet|control|play"
        r"|switch|wifi)\b",
        r"\b(?:me|nos) tienen secuestrad[oa]s? (?:con|en) (?:la|el|tanta|tanto|las|los)"
        r" (?:tarea|cole|examen|examenes|estudio|trabajo|casa estudiando)\w*",
        # "qué trata tan mala" — trata as "deal/treatment", not trafficking
        r"\bque trata tan \w+",
        r"\b(?:esa|esta|una|la) trata (?:tan|muy|mas) \w+",
        # "ese examen me violó", "el partido nos violó"
        r"\b(?:el |ese |este |la |esa |esta )?" + _INANIMATE + r" (?:me|nos|lo|la|te)"
        r" (?:violo|violaron|violaba|viola|mato|mataron|destrozo|destruyo|secuestro|humillo"
        r"|pego|golpeo|reviento|sono)\b",
        r"\b(?:me|nos) (?:violaron|mataron|destrozaron|humillaron|reventaron|sonaron) en (?:el|la"
        r"|ese|esa) (?:examen|partido|juego|quiz|free|fortnite|ranked|torneo|mate|prueba|final"
        r"|mejenga)\b",
        r"\bnos (?:violaron|mataron|golearon|reventaron|sonaron) \d+ a \d+",
        # "me mato estudiando"
        r"\b(?:me (?:mato|mate|estoy matando|voy a matar|quiero matar)|matarme) (?:estudiando"
        r"|trabajando|entrenando|jugando|haciendo (?:la )?tarea|de risa|en el gym|en el gimnasio"
        r"|corriendo|de tanto estudiar)\b",
        # "me quiero matar con esta tarea"
        r"\bme (?:quiero|voy a) (?:morir|matar) (?:con|por) (?:esta|este|tanta|tanto|la|el|esa"
        r"|ese) (?:tarea|examen|calor|clase|fila|presa|trafico|materia|profe|mate|semana)\w*",
        r"\bque me trague la tierra\b",
        # "me morí con esa canción", "ese meme me mató": a song, a joke or a show overwhelms.
        r"\b(?:ya )?(?:me|nos) (?:mori|morimos|muero|mato|mataron|mata|matan) (?:con|de)"
        r" (?:el|la|los|las|ese|esa|este|esta|esos|esas|tu|su|sus) (?:\w+ )?" + _MEDIA_NOUN
        + r"\b",
        r"\b(?:el|la|los|las|ese|esa|este|esta|esos|esas|tu|su|sus) " + _MEDIA_NOUN
        + r" (?:\w+ ){0,3}?(?:me|nos) (?:mato|mata|mataron|matan)\b(?! (?:de miedo|a golpes))",
        r"\b(?:me|nos) (?:mato|mataron) (?:el|la|los|las|ese|esa|este|esta|tu|su) " + _MEDIA_NOUN
        + r"\b",
        # "el profe nos va a matar con el examen", "reprobé inglés y mi mamá me va a matar"
        r"\b(?:me|nos) (?:va|van|iba|iban) a (?:matar|morir) con (?:el|la|los|las|este|esta|ese|esa"
        r"|tanta|tanto|tantas|tantos) (?:examen\w*|tarea\w*|quiz|prueba\w*|practica\w*|proyecto\w*"
        r"|clase\w*|ejercicios|trabajos?|materia)\b",
        r"\b(?:reprobe|perdi|me jale|jale|me quede en|saque (?:un|una) \d+|choque|rompi|quebre"
        r"|bote|me fue mal en)\b(?: \w+){0,6}? (?:y|,|entonces) (?:mi \w+ |mis \w+ )?(?:me"
        r"|nos) (?:va|van) a (?:matar|colgar|ahorcar|asesinar)\b",
        # "me fue mal en la prueba, me quiero morir jajaja": hyperbole, unless said to be serious.
        r"^(?!.*\b(?:en serio|de verdad|no es broma|no estoy jugando|ya no aguanto"
        r"|ya no puedo)\b).*?\b(?:me fue mal|reprobe|perdi|me jale|saque (?:un|una) \d+"
        r"|me quede en)\b(?: \w+){0,6}? (?:, )?(?:y )?(?:me quiero morir|me muero"
        r"|quiero morirme)\b",
        r"^(?!.*\b(?:en serio|de verdad|no es broma|no estoy jugando|ya no aguanto"
        r"|ya no puedo)\b).*?\b(?:me quiero morir|quiero morirme"
        r"|me muero)\b(?: ,)?(?: \w+){0,3}? (?:se me (?:quedo|quedaron|olvido|olvidaron|cayo"
        r"|cayeron|perdio|rompio|acabo|fue el bus|paso el bus)|me (?:cai|equivoque|olvide"
        r"|dejo el bus|jale|confundi|tropece)|(?:perdi|deje) (?:el bus|las llaves|el cel"
        r"|el almuerzo|la tarea))\b(?: \w+){0,8}? (?:ja(?:ja)+|js(?:js)+|je(?:je)+|xd+|lol)\b",
        r"^(?!.*\b(?:en serio|de verdad|no es broma|no estoy jugando|ya no aguanto|ya no puedo)\b)"
        r".*?\b(?:examen\w*|prueba|quiz|tarea|practica|exposicion|bachillerato|materia|notas?)\b"
        r"(?: \w+){0,8}? (?:, )?(?:me quiero morir|quiero morirme|me muero)\b(?: \w+){0,3}?"
        r" (?:ja(?:ja)+|js(?:js)+|je(?:je)+|xd+|lol)\b",
        *_PLAYFUL,
    )
)

_SPORT = (
    r"(?:el |la |los |las |un |una )?(?:entreno|entrenamiento|practica|partido|mejenga|torneo"
    r"|juego de \w+|clase de (?:karate|judo|taekwondo|box\w*|futbol|natacion|educacion fisica)"
    r"|educacion fisica|karate|judo|taekwondo|boxeo|futbol|basket|basquet|voleibol|rugby"
    r"|combate|sparring|carrera)(?: de \w+)?"
)
_SPORT_INJURY = (
    r"(?:me|nos|se me) (?:pegaron|pego|golpearon|golpeo|dieron|dio|metieron|metio|doble|torci"
    r"|lastime|quebre|fracture|disloque|raspe|golpee|cai|pegue|jale|desgarre|reventaron"
    r"|revento|hincho)\b"
)
_INJURY_TAIL = (
    r"(?: (?:y|,) (?:me duele\w*(?: \w+){0,3}|tengo (?:un|una) (?:morado|moreton|moretones"
    r"|chichon|raspon|golpe|hinchazon)(?: \w+){0,2}|se me hincho (?:la|el) \w+|quede cojeando"
    r"|estoy cojeando))?"
)
_NOT_DELIBERATE = (
    r"(?!.*\b(?:entrenador\w*|coach|profe\w*|papa|mama|padrastro|a proposito|adrede|siempre"
    r"|todos los dias|castigo|amenaz\w*|no me deja\w*|me odia\w*)\b)"
)
_ANIMAL = _alt(
    r"perr[oa]s?", r"perrit[oa]s?", r"gat[oa]s?", r"gatit[oa]s?", r"mascotas?", r"caballos?",
    r"vacas?", r"conejos?", r"pollitos?", r"loros?", r"hamster", r"tortugas?", r"chanchos?",
    r"zaguat\w+", r"pajarit[oa]s?", r"gallinas?", r"pericos?",
)

# Everyday contexts that account for alarming words: medicine for a cold, a pet's cut, a cut
# while cooking.  Masked like figurative speech, and reported as the "everyday" frame.
_EVERYDAY: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"\b(?:me|se) (?:tome|tomo|tomaba|tuve que tomar|tomaron) (?:\w+ ){0,2}?(?:pastillas?"
        r"|pildoras?|acetaminofen|ibuprofeno|antibioticos?|jarabe|medicinas?|remedios?"
        r"|antialergicos?)\b"
        r"(?: \w+){0,6}? (?:" + _MEDICAL_CONTEXT
        + r")(?:(?: \w+){0,3}? (?:y )?ya (?:estoy|me siento)"
        r" mejor)?",
        r"\b(?:mi |el |la |un |una |nuestro |nuestra )?(?:perr[oa]s?|perrit[oa]s?|gat[oa]s?"
        r"|gatit[oa]s?|mascotas?|caballo|vaca|conejo|pollito|loro|hamster|tortuga"
        r"|chancho)\b(?: \w+){0,2}? se (?:corto|corta|lastimo|quemo|golpeo|pego|cayo|quebro)\b",
        r"\bme (?:corte|queme) (?:\w+ ){0,3}?(?:picando|cocinando|pelando|planchando|con (?:un|una"
        r"|el|la) (?:papel|hoja|lata|cuchillo de cocina|plancha|olla|sarten|aceite))\b",
        r"\b(?:carta|fiesta|despedida|regalo) (?:de despedida )?(?:para|a) (?:la|el|mi|mis"
        r"|nuestr\w+) (?:profe\w*|maestr\w*|compan\w+|amig\w+|abuel\w+|director\w*|jefe|tia|tio"
        r"|prim\w+)\b",
        # Kept indoors at school for the weather or a drill.
        r"\bencerrad[oa]s? en (?:el|la) (?:aula|clase|escuela|cole|colegio|gimnasio|salon|comedor"
        r"|biblioteca|ascensor)\b(?: \w+){0,6}? (?:por|porque) (?:hay |habia |esta "
        r"|estaba )?(?:un |una |el |la )?(?:enjambre|abejas|lluvia|lloviendo|aguacero|tormenta"
        r"|temblor|simulacro)\b",
        # Hurt in a match or a training session, by a ball or another player, with no adult or
        # intent in the message: "me golpearon con la bola en el partido".
        r"^" + _NOT_DELIBERATE + r".*?\b(?:en|durante) " + _SPORT + r"(?: ,)? " + _SPORT_INJURY
        + r"(?: \w+){0,5}" + _INJURY_TAIL,
        r"^" + _NOT_DELIBERATE + r".*?\b" + _SPORT_INJURY + r"(?: \w+){0,5}? (?:en|durante) "
        + _SPORT + _INJURY_TAIL,
        # Somebody else hurt an animal: sad, but nobody in the message is harmed.
        r"\b(?:le|les) (?:pegaron|pego|pegan|pega|dieron|dio|tiraron|tiro|tiran|tiraban|patearon"
        r"|pateo|golpearon|golpeo|lanzaron)\b(?: \w+){0,3}? (?:a|al|a la|a los|a las)"
        r" (?:mi |mis |su |sus |el |la |los |las |un |una |unos )?" + _ANIMAL
        + r"\b(?: de (?:la|el|mi|mis|los) \w+)?(?! y a (?:mi|nosotr\w+))",
    )
)


def _mask_group(m: re.Match[str]) -> str:
    # Keep what the pattern only looked at; mask the figurative expression itself.
    start, end = m.start("mask") - m.start(), m.end("mask") - m.start()
    return m.group(0)[:start] + " ~ " + m.group(0)[end:]


def _mask_figurative(
    norm: str, patterns: tuple[re.Pattern[str], ...] = _FIGURATIVE
) -> tuple[str, bool]:
    found = False
    for pattern in patterns:
        if "mask" in pattern.groupindex:
            norm, n = pattern.subn(_mask_group, norm)
        else:
            norm, n = pattern.subn(" ~ ", norm)
        found = found or n > 0
    return re.sub(r"\s+", " ", norm).strip(), found


# --------------------------------------------------------------------------------------------
# Frames that can veto an alarm
# --------------------------------------------------------------------------------------------

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
    return bool(_HYPOTHETICAL.search(_INDIRECT_SI.sub("~", sentence)))


_TIME_CONCRETE = re.compile(
    r"\b(?:ayer|anoche|antier|antenoche|hoy|esta manana|esta tarde|esta noche|ahorita|ahora"
    r"|en este momento|siempre|todos los dias|todas las noches|todas las semanas|cada (?:vez"
    r"|noche|dia|rato|semana|fin)|a cada rato|otra vez|de nuevo|varias veces|muchas veces"
    r"|desde (?:hace|que|chiquit\w*|pequen\w*|los \d+|el ano)|hace (?:\w+ )?(?:dias|semanas"
    r"|meses|anos|rato)|la semana pasada|el otro dia|la otra vez|el ano pasado|el mes pasado"
    r"|el fin de semana|el finde|ya van|todavia|sigue|siguen)\b"
)
_POSSESSIVE_PERSON = re.compile(
    r"\b(?:mi|mis|nuestr[oa]s?) (?:" + _AGENT + "|" + _PEER + r")\b"
)
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
        if token in {"esta", "estan", "estaba", "estaban", "estuvo", "sigue", "siguen", "anda",
                     "andan"} and re.fullmatch(r"\w+(?:ando|iendo|yendo)(?:me|nos)?", nxt):
            return True
    return False


def _is_subjunctive_or_conditional(span: str) -> bool:
    return any(
        token not in _NOT_SUBJUNCTIVE
        and re.fullmatch(r"\w{2,}(?:ara|aran|iera|ieran|ase|asen|iese|iesen|ria|rian)", token)
        for token in span.split()
    )


# --------------------------------------------------------------------------------------------
# Who is harmed
# --------------------------------------------------------------------------------------------

_SELF_TOKENS = frozenset(
    "me nos yo conmigo estoy estamos tengo tenemos quiero queremos necesito necesitamos voy "
    "vamos soy somos hemos debo debemos siento puedo podemos mi mis nuestro nuestra nuestros "
    "nuestras "
    "cortarme matarme morirme suicidarme tomarme hacerme lastimarme ayudeme ayudame ayudenme "
    "ayudanos ayudenos fui sacame saquenme siguiendome mio mia mios mias aguanto "
    "trabajamos dormimos jalamos breteamos bretiamos".split()
)
_OTHER_TOKENS = frozenset(
    "le les se ella ellas ellos quiere esta estan tiene matarse suicidarse morirse cortarse "
    "quitarse su sus".split()
)
# "la/lo/las/los" are articles far more often than object pronouns; they name a victim only
# where a clitic sits: at the start of a hit or right after "no"/"que"/"y".
_CLITIC_3 = frozenset("la lo las los".split())
_CLITIC_SLOT = frozenset("no que y".split())
_PEER_RX = re.compile(r"^" + _PEER + r"$")
_AGENT_RX = re.compile(r"^" + _AGENT + r"$")
# Peers who are rarely the offender; parents, uncles and partners name a victim only when the
# sentence makes them one ("a mi mamá", "mi mamá está ...").
_YOUNG_PEER = _alt(
    r"amig[oa]s?", r"amiguit[oa]s?", r"herman[oa]s?", r"hermanit[oa]s?", r"prim[oa]s?",
    r"primit[oa]s?", r"compas?", r"compi", r"companer[oa]s?", r"vecinit[oa]s?", r"sobrin[oa]s?",
    r"hij[oa]s?", r"bebes?", r"carajill[oa]s?", r"chavalit[oa]s?", r"guilas?", r"guilit[oa]s?",
)
_THIRD_VICTIM = re.compile(
    r"\b(?:mi|mis|una|un|su|sus|otra|otro) " + _YOUNG_PEER + r"\b"
    r"|\b(?:a|de) (?:mi|mis|una|un|su|sus) " + _PEER + r"\b"
    r"|\b(?:mi|mis) " + _PEER + r" (?:esta|estan|se|tiene|tienen|dice|dicen|me conto|me dijo"
    r"|quiere|fue|anda|no puede)\b"
    r"|\ba (?:ella|el|ellas|ellos)\b|\b(?:ella|el) (?:esta|tiene|dice|quiere|se)\b"
    r"|\b(?:una|un|la|el|unas|unos|las|los) (?:nin[oa]s?|chiquit[oa]s?|muchach[oa]s?|menor(?:es)?"
    r"|estudiantes?|alumn[oa]s?|chavalas?|chavalos?|guilas?|carajill[oa]s?|chamac[oa]s?)\b"
    # "junta chiquitas para los turistas": the girls procured are the ones harmed.
    r"|\b(?:consigue|consiguen|conseguia|junta|juntan|juntaba|trae|traen|busca|buscan)"
    r" (?:\w+ )?(?:chiquillas|chiquitas|carajillas|chavalas|guilas|chamacas|muchachitas|ninas)\b"
)
_FIRST_PERSON = re.compile(
    r"\b(?:me|mi|mis|yo|conmigo|estoy|tengo|nos|estamos|quiero|necesito|soy|voy|puedo|aguanto"
    r"|pienso|siento|vivo|debo)\b"
)


def _span_subject(span: str) -> Subject:
    tokens = span.split()
    saw_other = False
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        prev = tokens[i - 1] if i else ""
        if token in {"mi", "mis"} and _PEER_RX.match(nxt):
            saw_other = True
        elif token in _SELF_TOKENS or re.fullmatch(r"\w+(?:ar|er|ir|ando|iendo)(?:me|nos)", token):
            return "self"
        elif token in _OTHER_TOKENS or (
            token in _CLITIC_3 and (i == 0 or prev in _CLITIC_SLOT or _AGENT_RX.match(prev))
        ):
            saw_other = True
    return "other" if saw_other else "none"


def _hit_subject(hit: _Hit) -> Subject:
    subject = _span_subject(hit.span)
    # In "me dijo que si no le mando fotos las va a subir" the "le/las" are the offender and
    # the photos; with the writer as object and no third person named, the writer is harmed.
    if (
        subject == "other"
        and re.search(r"\b(?:me|nos|mio|mia|mios|mias|conmigo)\b", hit.sentence)
        and not _THIRD_VICTIM.search(hit.sentence)
    ):
        return "self"
    return subject


# --------------------------------------------------------------------------------------------
# Danger now
# --------------------------------------------------------------------------------------------

_DANGER_STRONG = re.compile(
    _alt(
        r"\b(?:me|nos) (?:esta|estan|viene|vienen|anda|andan) (?:siguiendo|persiguiendo"
        r"|buscando)\b",
        r"\b(?:esta|estan) siguiendome\b",
        r"\b(?:estoy|estamos) (?:sangrando|herid[oa]s?|encerrad[oa]s?|escondid[oa]s?"
        r"|atrapad[oa]s?|secuestrad[oa]s?)\b",
        r"\bsangr(?:o|ando) mucho\b",
        r"\b(?:me|nos|la|lo|las|los) (?:tiene|tienen|mantienen) (?:\w+ )?encerrad\w*",
        r"\b(?:me|nos|la|lo|los|las) (?:va|van) a (?:matar|pegar|golpear|violar|sonar|llevar"
        r"|vender|hacer algo|hacer dano|lastimar|quemar|encerrar|partir la cara|partir la boca"
        r"|reventar|quebrar)\b",
        r"\b(?:me|nos) (?:quiere|quieren) matar\b",
        r"\b(?:quiere|quieren|va a|van a) (?:matarme|matarnos)\b",
        r"\b(?:hoy|ahorita|ahora|ya|esta noche|manana) me (?:mato|suicido|voy a matar"
        r"|voy a suicidar|tiro)\b",
        r"\bme voy a (?:tirar|matar|suicidar|colgar|ahorcar|cortar las venas|tomar (?:todas )?"
        r"las pastillas)\b",
        r"\bya tengo (?:las|el|la|una|un) (?:pastillas|veneno|cuchillo|navaja|soga|cuerda"
        r"|gillete|cuchilla|arma|pistola|pildoras)\b",
        r"\btengo (?:las|unas|todas las|el|la) (?:pastillas|pildoras|veneno|navaja|cuchilla|soga"
        r"|gillete) (?:en la mano|listas?|aqui|conmigo)\b",
        r"\b(?:ya )?me tome (?:todas |un monton de |muchas )?(?:las )?(?:pastillas|pildoras"
        r"|veneno|cloro)\b",
        r"\b(?:ya )?(?:se|me) (?:tomo|tome|trago|trague) (?:todo el frasco|el frasco entero"
        r"|todas (?:las|sus|mis) (?:pastillas|pildoras))\b",
        r"\b(?:esta|estan) (?:rompiendo|tumbando|quebrando) la puerta\b|\b(?:rompio|tumbo|quebro)"
        r" la puerta de (?:mi|el|nuestro) cuarto\b",
        r"\bme estoy (?:cortando|muriendo|desangrando|ahogando)\b",
        r"\b(?:me|nos) (?:esta|estan) (?:pegando|golpeando|tocando|ahorcando|amenazando"
        r"|violando|quemando|encerrando|manoseando|jalando|pateando|empujando|cacheteando"
        r"|ahogando)\b",
        r"\b(?:tiene|trae|saco|anda con) (?:un|una) (?:cuchillo|pistola|arma|machete|navaja"
        r"|revolver)\b",
        r"\b(?:esta|estan) (?:tratando de|intentando) (?:entrar|abrir)\b",
        r"\b(?:tratando de|intentando) (?:entrar|abrir) (?:la puerta|el porton|la ventana|a la casa"
        r"|al cuarto)\b",
        r"\bacabo de (?:tomarme|tomar|tragarme|cortarme|hacerme)\b",
        r"\b(?:con candado|con llave|con cadena) por fuera\b",
        r"\b(?:un|una|unos|el|ese) (?:hombre|senor|man|mae|tipo|carro|moto)s? (?:me|nos)"
        r" (?:sigue|siguen|persigue|persiguen)\b(?! en (?:insta|instagram|tiktok|twitter|redes"
        r"|face|facebook|snap|youtube|twitch))(?! \w+(?:ando|iendo)\b)",
        r"\b(?:esta|estan) (?:golpeando|rompiendo|pateando) la puerta\b",
        r"\bno (?:me|nos) (?:deja|dejan) salir (?:de mi cuarto|del cuarto|del bano)\b",
    )
)
_DANGER_TEMPORAL = re.compile(
    # A bare "ahora" counts only at the end of a clause ("me está siguiendo ahora"): "y ahora
    # dice que le debo" tells what followed, not that the danger is now.
    r"\b(?:ahora mismo|ahorita|ahora(?=\s*(?:[?!.,]|$))"
    r"|en este momento|en este instante|ya viene|ya vienen"
    r"|viene para aca|vienen para aca|viene para aqui|esta afuera|estan afuera|esta aqui"
    r"|estan aqui|esta en la puerta|esta llegando|ya llego|esta noche|hoy en la noche"
    r"|en un rato|dentro de poco|ya casi llega|viene por mi|vienen por mi)\b"
)

# Cues that the danger is minutes or hours away, whichever layer found the disclosure.
_DANGER_IMMINENT = re.compile(
    _alt(
        # On the way to, or waiting for, a meeting.
        r"\b(?:voy|ya voy|vamos|ya vamos|estoy yendo|ando yendo|me monte|me subi) (?:camino "
        r"|en camino )?(?:\w+ ){0,5}?(?:a|para) (?:verme|vernos|encontrarme|encontrarnos|juntarme"
        r"|juntarnos|conocerlo|conocerla|ver al|ver a la|ver a un|ver a una)\b",
        r"\b(?:ya )?(?:estoy|estamos) (?:\w+ ){0,4}?esperando (?:a|al|a la|a un|a una|que (?:me"
        r"|nos) recoja)\b",
        r"\b(?:me|nos) (?:va|van|viene|vienen) a (?:recoger|buscar|traer) (?:hoy|ahorita|ahora"
        r"|en un rato|esta noche|esta tarde)\b",
        r"\b(?:hoy|esta noche|esta tarde|ahorita|en un rato) (?:me|nos|se) (?:veo|vemos|ve|va a ver"
        r"|voy a ver|van a ver) con\b",
        r"\bse (?:va|van) a ver (?:hoy|esta noche|esta tarde|ahorita|en un rato)\b",
        # Somebody arriving or staying over tonight.
        r"\b(?:hoy|esta noche|ahorita|en un rato) (?:viene|llega|se queda|va a venir|va a llegar"
        r"|se va a quedar|vienen|llegan)\b",
        r"\b(?:viene|llega|se queda|va a venir|va a llegar|se va a quedar|viene a quedarse|vienen"
        r"|llegan)(?: \w+){0,3}? (?:hoy|esta noche)\b",
        r"\b(?:viene|llega|se queda|va a venir|va a llegar|se va a quedar|viene a quedarse)"
        r" (?:\w+ ){0,2}?a dormir\b",
        r"\b(?:ya )?viene en camino\b",
        # Means in hand, an overdose already taken.
        r"\btengo (?:una|un|la|el|unas|las) (?:navaja|cuchilla|gillete|cuchillo|soga|cuerda"
        r"|pastillas|pildoras|veneno|arma|pistola)\b(?: \w+){0,6}? (?:no se si|no creo que"
        r"|en la mano|aqui|conmigo|listas?)\b",
        r"\bno (?:se|creo) (?:si|que) (?:me )?(?:voy a |vaya a )?(?:aguantar|aguante|aguanto"
        r"|detener|detenga)\b",
        r"\bme (?:tome|trague) (?:\w+ ){0,4}?(?:pastillas|pildoras|veneno|cloro|medicinas"
        r"|acetaminofen|clonazepam)\b(?: \w+){0,5}? hace (?:un rato|rato|poco|media hora|una hora"
        r"|como|\w+ minutos)",
        r"\bhace (?:un rato|rato|poco|media hora|una hora|como (?:una|media) hora|\w+ minutos)"
        r" (?:que )?me (?:tome|trague)\b",
        # High places, plans, farewells.
        r"\b(?:estoy|ya estoy) (?:parad[oa] |sentad[oa] |subid[oa] |aqui )?(?:(?:en|sobre|encima de"
        r"|arriba de|en el borde de|en la orilla de) (?:el|la|un|una)|arriba del|encima del)"
        r" (?:puente|azotea|techo|baranda|borde|orilla|balcon|cornisa|mirador"
        r"|precipicio|barranco|guindo|acantilado|linea del tren|via del tren)\b",
        r"\b(?:ya )?tengo todo (?:listo|planeado|preparado)\b",
        r"\bhoy es el dia\b",
        r"\b(?:me|nos|les) (?:dijo|dice|escribio|mando) adios\b",
        r"\b(?:lo|la) (?:va|voy|vamos|van) a hacer (?:hoy|esta noche|manana|ya|el fin de semana|el"
        r" (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo))\b",
        r"\bse (?:va|iba) a (?:matar|suicidar|colgar|ahorcar|tirar|lanzar|quitar la vida"
        r"|cortar las venas)\b",
        # Held, moved, hidden, followed, cornered.
        r"\b(?:me|nos) (?:encierran|encierra|encerraron|dejan encerrad\w+|dejaron encerrad\w+)"
        r" (?:\w+ )?(?:con llave|con candado|bajo llave)\b",
        r"\b(?:la puerta|el porton) (?:esta |tiene )?(?:con )?(?:candado|llave|cadena)\b",
        r"\bno (?:me|nos) (?:deja|dejan|quieren dejar|quiere dejar) (?:bajar|bajarme|bajarnos)\b",
        r"\bno (?:quiere|quieren) parar\b",
        r"\b(?:me|nos) (?:van|va) a (?:pasar|cruzar|sacar) por\b",
        r"\b(?:estoy|estamos) (?:aqui )?en (?:un|el|la|una|su) (?:cuarto|habitacion|villa"
        r"|apartamento|cabina|yate|hotel|motel)\b(?: \w+){0,4}? con (?:un|una|el|unos|este"
        r"|ese) (?:turista|gringo|extranjero|senor|hombre|man|viejo|cliente|tipo)s?\b",
        r"\b(?:me|nos) (?:esta|estan) esperando (?:afuera|abajo|en la esquina|en el carro"
        r"|en la puerta|en el porton|a la salida|en la salida)\b",
        r"\b(?:me|nos) (?:va|van) a (?:esperar|recoger|buscar) (?:hoy|esta noche|ahorita"
        r"|a la salida"
        r"|en la salida)\b",
        r"\b(?:estoy|estamos|voy|vamos) (?:en el carro|en la moto|en el taxi|en la buseta)"
        r" (?:de|del) (?:un |el |ese |este )?(?:man|senor|tipo|viejo|gringo|turista|hombre|cliente"
        r"|desconocido)\b",
        r"\b(?:ya )?(?:estamos|vamos|voy|estoy) llegando (?:a|al) (?:un |el )?(?:motel|hotel"
        r"|su casa"
        r"|su apartamento|su cuarto|la frontera)\b",
        r"\b(?:me|nos) (?:siguieron|siguio|vienen siguiendo|viene siguiendo) (?:desde|hasta)\b",
        r"\b(?:hay|esta|estan) (?:un|una|unos|el|ese) (?:hombre|senor|man|mae|tipo|carro|moto|viejo"
        r"|desconocido)s? (?:\w+ ){0,3}?(?:afuera|frente a|enfrente de|en la puerta)\b",
        r"\bestoy (?:escondid[oa] )?(?:debajo de la cama|dentro del closet|en el closet)\b",
        r"\bme estoy escondiendo\b",
        r"\b(?:el|ella) esta en la otra (?:pieza|sala|cuarto|habitacion)\b",
        r"\bno puedo (?:hablar|escribir) (?:mucho|mas|duro|fuerte)\b",
        r"\b(?:estan|esta) (?:tocando|golpeando|pateando|aporreando) (?:la puerta|el porton"
        r"|la ventana)\b",
        r"\b(?:me|nos) (?:quieren|quiere|estan tratando de|intentan) (?:meter|subir|llevar) (?:a"
        r"|en)\b",
        r"\bno (?:me|nos) (?:deja|dejan) de seguir\b",
        r"\b(?:estoy|estamos) en peligro\b",
        r"\bllamen (?:a alguien|a la policia|al 911)\b",
        r"\bsi no (?:le |les )?(?:mando|paso|doy|envio|deposito|hago) (?:\w+ ){0,3}?(?:hoy"
        r"|esta noche|ahorita)\b",
    )
)


# Ordinary scrapes and places that the strong danger cues would otherwise read as harm.
_BENIGN_DANGER = re.compile(
    _SELF_HARM_VETO + "|" + _LEISURE_JUMP + r"|\bsangrando de (?:la|el) (?:rodilla|nariz|codo|dedo"
    r"|boca)\b|\bme cai\b|\bencerrad[oa]s? (?:en mi cuarto )?(?:estudiando|jugando|viendo"
    r"|por (?:la cuarentena|la pandemia|el covid|la lluvia))"
)


def _danger_cue(masked: str, leisure_counts: bool = True) -> bool:
    """Whether the wording puts the danger now.  With leisure_counts false, "me voy a tirar a la
    piscina" and the like (which no rule took as harm) do not count as danger."""
    strong = bool(_DANGER_STRONG.search(masked))
    if strong and not leisure_counts and _BENIGN_DANGER.search(masked):
        strong = False
    return strong or bool(_DANGER_TEMPORAL.search(masked) or _DANGER_IMMINENT.search(masked))


# --------------------------------------------------------------------------------------------
# Safe word
# --------------------------------------------------------------------------------------------

_SAFE_WORD = re.compile(
    r"^(?:por favor )?(?:(?:necesito|necesitamos|quiero|pido) )?"
    r"(?:ayuda|auxilio|socorro|sos|help|ayudeme|ayudame|ayudenme|ayudanos|ayudenos)"
    r"(?: (?:ayuda|auxilio|socorro|sos|help|ayudeme|ayudame|ayudenme))*"
    r"(?: (?:por favor|ya|urgente|rapido|ahora|ahorita|porfavor|pronto))*$"
)
_SAFE_WORD_MAX_WORDS = 6

# --------------------------------------------------------------------------------------------
# Assessment
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    category: Category
    span: str
    sentence: str
    weak: bool
    danger: bool
    threat: bool
    start: int
    end: int
    clause: str
    # The sentence up to the end of the hit: a frame has to come before what it frames.
    lead: str


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[¿?!.]", text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


_CLAUSE_BREAK = re.compile(r"[¿?!.,]| (?:pero|y|porque|aunque|entonces|pues|o sea) ")


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def _clause_at(text: str, position: int) -> str:
    for start, end in _clauses(text):
        if start <= position <= end:
            return text[start:end]
    return text


def _find_hits(text: str) -> list[_Hit]:
    bounds = _sentences(text)
    hits: list[_Hit] = []
    # Rules that share patterns under different conditions can match the same words twice;
    # an identical hit would only be framed twice.
    seen: set[tuple[Category, int, int, bool, bool, bool]] = set()
    for rule in _RULES:
        if rule.requires is not None and not rule.requires.search(text):
            continue
        for m in rule.regex.finditer(text):
            key = (rule.category, m.start(), m.end(), rule.weak, rule.danger, rule.threat)
            if key in seen:
                continue
            s, e = next((b for b in bounds if b[0] <= m.start() <= b[1]), (0, len(text)))
            sentence = text[s:e]
            if rule.veto is not None:
                window = text[max(s, m.start() - 50) : min(e, m.end() + 50)]
                if rule.veto.search(window):
                    continue
            seen.add(key)
            hits.append(
                _Hit(
                    rule.category,
                    m.group(0),
                    sentence,
                    rule.weak,
                    rule.danger,
                    rule.threat,
                    m.start(),
                    m.end(),
                    _clause_at(text, m.start()),
                    text[s : m.end()],
                )
            )
    return hits


def _strongest(hits: list[_Hit]) -> Category:
    strong = [h for h in hits if not h.weak] or hits
    present = {h.category for h in strong}
    return next((c for c in _SEVERITY if c in present), "none")


# Frames that talk about harm at one remove, for the whole message.
_REPORTING_FRAMES: tuple[tuple[Guard, re.Pattern[str]], ...] = (
    ("homework", _HOMEWORK),
    ("news", _NEWS),
)


def _covering_frame(hit: _Hit, norm: str) -> Guard | None:
    """The frame that makes this hit non-literal, or None when it reads as a real statement."""
    sentence = hit.sentence
    timed = bool(_TIME_CONCRETE.search(sentence))
    past = _is_past_or_ongoing(hit.span)

    # Somebody concrete is involved: the writer, "mi prima", "una compañera".
    concrete_person = bool(
        _POSSESSIVE_PERSON.search(sentence) or _INDEFINITE_PEER.search(sentence)
    )
    about_writer = _hit_subject(hit) == "self"
    for frame, rx in _REPORTING_FRAMES:
        if rx.search(norm) and not about_writer and not concrete_person and not timed:
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
            _POSSESSIVE_PERSON.search(sentence)
            or _DEMONSTRATIVE_PERSON.search(sentence)
            or _DEFINITE_PERSON.search(sentence)
        )
        # "¿qué pasa si me quiero morir?" is the writer speaking about themself, not a what-if.
        self_statement = about_writer and hit.category in ("self_harm", "help_request")
        if not specific and not self_statement:
            return "hypothetical"

    # An awareness question frames only the sentence it asks in: "¿a dónde llamo? a una
    # muchacha la tienen encerrada" is a report followed by a question.
    if (
        _INFORMATIONAL.search(sentence)
        and not about_writer
        and not concrete_person
        and not timed
    ):
        return "informational"
    return None


def _message_frame(norm: str, figurative: bool, everyday: bool = False) -> Guard | None:
    if figurative:
        return "figurative"
    if everyday:
        return "everyday"
    for frame, rx in (*_REPORTING_FRAMES, ("informational", _INFORMATIONAL)):
        if rx.search(norm):
            return frame
    if _is_hypothetical(norm):
        return "hypothetical"
    return None


def _subject(hits: list[_Hit], category: Category, norm: str) -> Subject:
    relevant = [h for h in hits if h.category == category] if category != "none" else []
    subjects = {_hit_subject(h) for h in relevant}
    if "self" in subjects:
        return "self"
    if "other" in subjects:
        return "other"
    if _THIRD_VICTIM.search(norm):
        return "other"
    if _FIRST_PERSON.search(norm):
        return "self"
    return "none"


def _is_safe_word(norm: str) -> bool:
    words = re.sub(r"[¿?!.,]", " ", norm).split()
    if not words or len(words) > _SAFE_WORD_MAX_WORDS:
        return False
    return bool(_SAFE_WORD.match(" ".join(words)))


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
    for start, end in _clauses(masked):
        clause = masked[start:end]
        if not (
            _PERSONAL.search(clause)
            or _THIRD_VICTIM.search(clause)
            or _POSSESSIVE_PERSON.search(clause)
        ):
            continue
        if any(h.start < end and h.end > start for h in covered):
            continue
        if _frame_explains(clause):
            continue
        return True
    return False


def assess(text: str) -> RuleVerdict:
    """Triage one message with the deterministic rules.

    category is the strongest family among the matches no frame explains; when every match is
    explained it is the strongest raw match, reported with the guard that explains it.
    """
    norm = normalize(text)
    safe_word = _is_safe_word(norm)
    masked, figurative = _mask_figurative(norm)
    masked, everyday = _mask_figurative(masked, _EVERYDAY)

    hits = _find_hits(masked)
    frames = [_covering_frame(h, norm) for h in hits]
    uncovered = [h for h, frame in zip(hits, frames, strict=True) if frame is None]

    category: Category
    guard: Guard | None
    danger_now = False
    if uncovered:
        category = _strongest(uncovered)
        guard = None
        danger_now = any(h.danger for h in uncovered) or _danger_cue(masked)
        subject = _subject(uncovered, category, norm)
    else:
        raw_hits = _find_hits(norm) if figurative or everyday else hits
        subject = _subject(raw_hits, _strongest(raw_hits), norm)
        # A guard also silences the model downstream, so it is only given when the frame
        # accounts for everything personal in the message.
        if _unexplained_personal_content(masked, hits):
            category, guard = "none", None
        elif hits:
            category = _strongest(raw_hits)
            top = _strongest(hits)
            guard = next(f for h, f in zip(hits, frames, strict=True) if h.category == top)
        elif raw_hits:
            category, guard = _strongest(raw_hits), "figurative" if figurative else "everyday"
        else:
            category, guard = "none", _message_frame(norm, figurative, everyday)

    if category == "none" and guard is None and _message_frame(norm, figurative, everyday) is None:
        # Nothing here for the rules, but the model may still find a disclosure: say whether the
        # wording puts the danger now, so that a model-found disclosure gets the right urgency.
        danger_now = _danger_cue(masked, leisure_counts=False)

    if safe_word:
        # The safe word is itself a request for help, and no frame can explain it away.
        guard = None
        if category == "none":
            category = "help_request"

    return RuleVerdict(
        category=category,
        danger_now=danger_now,
        subject=subject,
        guard=guard,
        safe_word=safe_word,
    )
