"""Deterministic rule layer of message triage.

This module owns the hand-written half of triage: it decides, from the text alone and with the
standard library only, whether a free-text message discloses trafficking, sexual exploitation,
online grooming, abuse, self-harm or a plain cry for help; whether the danger looks current;
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
masked out; the disclosure patterns (`_TRAFFICKING` ... `_HELP_REQUEST`) are matched on what is
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
_MEDIA = (
    r"(?:fot(?:os?|itos?|illos?|ografias?)|vid(?:eos?|eitos?|s)?|videollamadas?|imagen(?:es)?"
    r"|selfies?|pics?)\b"
)
_SEXUAL_QUALIFIER = _alt(
    r"sin ropa", r"desnud\w*", r"encuerad\w*", r"ching[oa]s?", r"en chinga",
    r"en (?:ropa interior|calzon\w*|bikini|brasier|bra|panti\w*|tanga|toalla)",
    r"intimas?", r"hot", r"xxx", r"sexys?", r"sexis?", r"sexuales?", r"porno\w*", r"cochinas?",
    r"atrevidas?", r"subidas? de tono", r"ensenando", r"mostrando",
    r"de (?:mis|tus|sus|su|mi) (?:partes|cuerpo|pechos|senos|nalgas|pompis|cola|trasero|chichis"
    r"|pene|vagina|cosita|pipi|cosa|miembro|parte intima)",
)
_PACK = r"(?:\bpacks?\b(?! de (?:gaseosas?|cervezas?|papas|galletas|stickers|confites))|\bnudes?\b)"
_GIFT = _alt(
    r"plata", r"dinero", r"harina", r"billetes?", r"biyuyo", r"colones", r"dolares",
    r"\d+ ?(?:mil|rojos?|tejas?)", r"rojos?", r"recargas?", r"saldo", r"celular", r"cel",
    r"telefono", r"iphone", r"ropa", r"regal\w+", r"cosas", r"comida", r"tenis", r"zapatos",
    r"perfumes?", r"maquillaje", r"diamantes", r"pavos", r"robux", r"skins", r"monedas",
    r"tarjetas?", r"utiles", r"pases?", r"pasajes?", r"droga", r"guaro", r"cerveza", r"mota",
    r"confites", r"chunches", r"tablet", r"bolsos?", r"cadenas?", r"joyas", r"cigarros",
    r"vapes?", r"pases? de \w+",
)
_SEX_ACT = _alt(
    _MEDIA, r"packs?", r"nudes", r"estar con (?:el|ellos|ella|senores|hombres"
    r"|clientes|turistas|gringos)", r"acostarme", r"acostarse", r"dormir con", r"tocarme",
    r"que me toque", r"dejarme tocar", r"me deje tocar", r"que lo toque", r"tocarlo", r"besarlo",
    r"besarla", r"sexo", r"relaciones", r"cosas sexuales", r"hacer cosas", r"hacerle cosas",
    r"que le haga cosas", r"ir a su (?:casa|chante|cuarto|apartamento|carro|finca)",
    r"ir (?:al|a un) (?:hotel|motel)",
    r"salir con (?:el|ellos|senores|turistas|gringos)", r"desvestirme", r"bailarle",
    r"masaj\w+", r"que me vea desnud\w*", r"chupar\w*", r"mamar\w*", r"ensenarle",
    r"mostrarle", r"verme (?:desnud\w*|sin ropa|en (?:ropa interior|calzon\w*))",
    r"(?:que )?(?:me |se |la |le |lo )?(?:acueste|acostara|duerma|durmiera|vaya|fuera|quede|meta)"
    r" con (?:el|ellos|senores|hombres|turistas|gringos|clientes|(?:un|unos|ese|esos) senor\w*"
    r"|sus amigos|(?:un|ese) (?:man|mae|tipo|viejo))\b",
    r"que (?:me |la |lo |le )?(?:deje|dejara) tocar", r"que (?:lo|le|la) (?:toque|tocara|bese)",
    r"(?:me|la|lo|se) (?:dejo|deja|deje|dejara|dejaba) tocar",
    r"(?:mandar|pasar|enviar|hacer|mostrar|ensenar) (?:\w+ )?(?:" + _MEDIA + r"|packs?|nudes)",
)
# Euphemisms for sexual acts: "visitas", "favores", sitting in his car, keeping him company.
_SEX_EUPHEMISM = _alt(
    r"(?:unas |sus |las )?visitas\b", r"(?:unos |algunos |ciertos )?favores\b",
    r"(?:me |la |le )?(?:siente|sentara|sentarme|suba|subiera|subirme|monte|montarme) (?:en|a)"
    r" su (?:carro|moto|camion|cuarto|cama)",
    r"(?:me )?(?:quede|quedara|quedarme) (?:la noche|a dormir|un rato|sola|solo) con (?:el|ellos)",
    r"(?:hacerle|hacerles|le haga) compania", r"acompanarlo", r"que (?:lo|la) acompane",
    r"que (?:lo|la) (?:visite|vaya a ver) sol[oa]",
    r"(?:vaya|voy|ir|fuera|llegue|pase) (?:sol[oa] )?a su (?:casa|chante|cuarto|apartamento|carro"
    r"|finca|bodega)(?: sol[oa]| en la noche| de noche)?",
    r"(?:portarme|me porte|porte|portara) (?:bonito|bonita|bien|lindo|linda) con (?:el|ellos)",
)
_DOC = _alt(
    r"cedulas?", r"pasaportes?", r"documentos?", r"papeles", r"dimex", r"identificacion",
    r"carnet?", r"partida de nacimiento", r"permiso de trabajo", r"visa",
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

_PARENTS_HOLDING = (
    r"\b(?:mi|mis) (?:mama|papa|papas|mami|papi|madre|padre|padres|abuel[oa]s?|encargad[oa]s?)"
    r"\b(?:\s\w+){0,3}\s(?:tiene|tienen|guarda|guardan)\b"
)
# Being grounded, not being held: "no me dejan salir con mis amigos / a la fiesta".
_GROUNDED = (
    r"\bno (?:me|nos|la|lo) (?:deja|dejan|dejaba|dejaban) (?:salir|ir|irme) "
    r"(?:con|a|al|a la|de fiesta|el finde|los fines|en la noche|de noche|hasta|sin permiso"
    r"|solo|sola|a jugar|porque|por (?:las notas|castigo)|mucho|tanto)\b"
)

# Strict parents are not captors; a parent who shuts a child in is caught as abuse instead.
_PARENTS_RESTRICTING = (
    r"\b(?:mi|mis) (?:mama|papa|papas|mami|papi|madre|padre|padres|abuel[oa]s?|tata|tatas)\b"
    r"(?: \w+){0,2} (?:no (?:me|nos) (?:deja|dejan|dejaba|dejaban)|(?:me|nos) (?:vigila|vigilan"
    r"|cuida|cuidan))\b"
)

_TRAFFICKING = (
    _rule(
        "trafficking",
        r"\b" + _OBJ + r" (?:quita|quitan|quito|quitaron|quitaba|guardo|guardaron|retiene"
        r"|retienen|retuvo|retuvieron|recogieron|recogio|decomisaron|escondio|escondieron"
        r"|esconde|esconden|rompieron|rompio) (?:\w+ ){0,2}?" + _DOC,
        r"\bno " + _OBJ + r" (?:devuelve|devuelven|devolvieron|quiere devolver|quieren devolver"
        r"|dan|dejan tener) (?:\w+ ){0,2}?" + _DOC,
        r"\bse (?:quedo|quedaron|queda|quedan) con (?:mi|mis|nuestros|nuestras|su|sus|el|la|los"
        r"|las) " + _DOC,
    ),
    _rule(
        "trafficking",
        r"\b(?:tiene|tienen|tenia|tenian|tenga|tengan|guarda|guardan|guarde|guarden)"
        r" (?:mi|mis|nuestros|nuestras|nuestro) " + _DOC,
        veto=_PARENTS_HOLDING,
    ),
    # Debt bondage: a debt for the journey, board or lodging that keeps growing.
    _rule(
        "trafficking",
        r"\b(?:debo|debemos|le debo|les debo|le debemos|les debemos|tengo que pagar|tenemos que"
        r" pagar|me cobra|me cobran|nos cobra|nos cobran|me descuenta|me descuentan|nos descuentan"
        r"|deuda|debiendo|pagar lo que debo) (?:\w+ ){0,5}?(?:el |la |los |las )?(?:pasajes?"
        r"|viaje|traida|traerme|traernos|transporte|comida|cuarto|hospedaje|dormir|vivienda"
        r"|visa|coyote|boletos?|la frontera|la casa donde)",
        r"\bnunca (?:termino|terminamos|acabo|acabamos) de pagar\b",
        r"\bla deuda (?:nunca baja|sube|crece|no baja)",
        r"\btrabajar (?:\w+ ){0,3}?para pagar(?:le|les)? (?:lo que|la deuda|el viaje|el pasaje"
        r"|la traida|el transporte|el coyote)",
        veto=r"\b(?:bus|buseta|tren|merienda|soda|pulperia|cole|escuela|paseo)\b"
        r"|\bno (?:me|nos) cobra",
    ),
    # Held in place.
    _rule(
        "trafficking",
        r"\bno " + _OBJ + r" (?:deja|dejan|dejaba|dejaban|quiere dejar|quieren dejar) "
        r"(?:salir|irme|irnos|ir|irse|escapar)(?:" + _END + r"| de (?:aqui|aca|este|esta|ese|esa"
        r"|la casa|la finca|el hotel|el lugar|el apartamento|el cuarto|el bar|el barco|el trabajo"
        r"|donde)| del (?:cuarto|hotel|lugar|apartamento|bar|barco|trabajo|bano|pais)"
        r"| a ningun lado| nunca| para nada| ni\b| y\b| sin\b)",
        r"\b" + _OBJ + r" (?:tiene|tienen|tenia|tenian|mantienen|dejan|dejaron|tuvieron)"
        r" (?:\w+ )?encerrad\w*",
        r"\b(?:nos|me|la|lo|las|los) (?:vigila|vigilan|custodian) (?:todo el tiempo|dia y noche"
        r"|para que no|y no (?:me|nos) dejan)",
        r"\b(?:nos|me|la|lo|las|los) (?:cuida|cuidan) para que no (?:me|nos|se) (?:escape\w*"
        r"|vaya\w*|salga\w*)",
        r"\bhay (?:un |unos |dos |tres )?(?:guardas?|guardias?|hombres|senores|maes|tipos|manes)"
        r" (?:\w+ ){0,3}?(?:vigilando|cuidando|en la puerta|que no nos dejan|con armas|armados)",
        r"\bno (?:puedo|podemos) (?:salir|irme|irnos|escapar|escaparme|escaparnos) (?:de aqui"
        r"|de aca|del|de la|de este|de esta|nunca)",
        r"\b(?:me|nos|la|lo) tienen? (?:aqui|aca) (?:encerrad|vigilad|amenazad|a la fuerza"
        r"|contra)\w*",
        r"\bestoy (?:\w+ )?encerrad[oa]\b",
        r"\b(?:me|nos|la|las) (?:tienen|tenian|tuvieron|mantienen) (?:aqui |aca )?en (?:un|una|el"
        r"|la|este|esta) (?:cuarto|bodega|casa|apartamento|cuartito|galeron|finca|barco)\b"
        r"(?=\s*(?:[?!.,]|$)| y no| sin| con llave| bajo llave| encerrad| vigilad| y (?:nos|me))",
        r"\b(?:me|nos) (?:escape|escapamos|sali|salimos) (?:\w+ )?de donde (?:me|nos)"
        r" (?:tenian|tienen|tuvieron)",
        r"\bno (?:me|nos) dejan (?:tener|usar|agarrar) (?:el |mi )?(?:celular|cel|telefono)\b",
        r"\bestamos (?:\w+ )?encerrad[oa]s\b",
        r"\bno " + _OBJ + r" (?:deja|dejan|dejaba|dejaban|quiere dejar|quieren dejar)"
        r" (?:bajar|bajarme"
        r"|bajarnos|bajarse)(?:" + _END + r"| y\b| ni\b| aunque\b| porque\b| (?:del|de la|de este"
        r"|de esta) (?:carro|bus|buseta|camion"
        r"|lancha|bote|barco|taxi|van|microbus|pickup|panga|moto|cuarto|segundo piso|apartamento))",
        veto=_GROUNDED + "|" + _PARENTS_RESTRICTING + r"|\bencerrad[oa]s? (?:estudiando|jugando"
        r"|viendo|por (?:la cuarentena|la pandemia|el covid|la lluvia))|\bencerrad[oa] en mi"
        r" cuarto (?:estudiando|jugando|viendo|llorando)"
        r"|\bencerrad[oa]s? en (?:el|la) (?:aula|clase|escuela|cole|colegio|gimnasio|salon|comedor"
        r"|biblioteca|ascensor)\b|\bencerrad\w+"
        r" (?:\w+ ){0,5}?(?:por|porque) (?:hay |habia |esta |estaba )?(?:un |una |el |la"
        r" )?(?:enjambre"
        r"|abejas|lluvia|lloviendo|aguacero|tormenta|temblor|simulacro|seguridad)\b",
        danger=True,
    ),
    _rule(
        "trafficking",
        r"\bno (?:puedo|podemos|nos dejan|me dejan) (?:salir|irme|irnos|escapar|escaparme"
        r"|escaparnos)" + _END,
        requires=r"\b(?:trabaj\w*|brete\w*|jale|jalando|finca|casa donde|patron\w*|jef[ea]"
        r"|encerrad\w*|vigil\w*|guardas?|hotel|bar|barco|me trajeron|nos trajeron|pasaporte"
        r"|cedula|papeles|deuda|debo)\b",
        veto=_GROUNDED + "|" + _PARENTS_RESTRICTING,
        danger=True,
    ),
    # Forced work, no pay.
    _rule(
        "trafficking",
        r"\b" + _OBJ + r" (?:obliga|obligan|obligo|obligaron|obligaba|obligaban) a (?:trabajar"
        r"|jalar|bretear|vender|pedir plata|pedir dinero)\b",
        # "nos pone a trabajar en grupos" is school; it takes the conditions to make it labour.
        r"\b" + _OBJ + r" (?:pone|puso|ponia|ponen|pusieron|hace|hacen|hicieron|tienen) (?:a )?"
        r"(?:trabajar|jalar|bretear|vender|pedir plata|pedir dinero)\b (?:\w+ ){0,5}?(?:sin"
        r" (?:pago|paga|sueldo|que me paguen|que nos paguen|descanso|parar|comer|salir)|gratis"
        r"|todo el dia|todos los dias|toda la noche|hasta la madrugada|en la calle|y no (?:me|nos)"
        r" pagan|de noche)",
        r"\b(?:trabajo|trabajamos|jalo|breteo|trabajando|bretiando|breteando) (?:\w+ ){0,6}?"
        r"(?:y|pero) no (?:me|nos) (?:pagan|pagaban|dan nada|han pagado nada)" + _END,
        r"\b(?:trabajo|trabajamos|trabajar) (?:gratis|sin que (?:me|nos) paguen|sin (?:paga|pago"
        r"|sueldo))",
        r"\b(?:me|nos|la|lo) (?:tiene|tienen|tenia|tenian) (?:trabajando|jalando|breteando"
        r"|bretiando|limpiando|vendiendo|cocinando|cuidando chiquitos) (?:\w+ ){0,3}?(?:todo el"
        r" dia|todos los dias|toda la noche|sin (?:pago|paga|descanso|parar|salir)|gratis|y no"
        r" (?:me|nos) (?:paga|pagan))",
        r"\bno (?:me|nos) (?:paga|pagan|pagaba|pagaban|ha pagado|han pagado) (?:nada|nunca"
        r"|ni (?:un )?cinco|ni un colon)\b(?=.*\b(?:trabaj\w*|brete\w*|breti\w*|jale|jalando"
        r"|finca|limpi\w*|cocin\w*|bar|hotel|restaurante|patron\w*|jef[ea])\b)",
        r"\b(?:trabaj\w*|brete\w*|breti\w*|jale|jalando|finca|limpi\w*|cocin\w*|patron\w*"
        r"|jef[ea])\b.*\bno (?:me|nos) (?:paga|pagan|pagaba|pagaban|ha pagado|han pagado)"
        r" (?:nada|nunca|ni (?:un )?cinco|ni un colon)\b",
        veto=r"\b(?:los )?(?:sabados|domingos|fines de semana|feriados|horas extra|turnos? extra"
        r"|en vacaciones)\b(?!.*\b(?:sin (?:pago|paga|comer|descanso)|gratis|no me pagan)\b)"
        r"|\b(?:vender|venda) (?:empanadas|rifas|galletas|queques|tamales|chances)\b(?! "
        r"(?:\w+ ){0,3}(?:sin|gratis|todo el dia|noche))",
    ),
    # A job offer that turned into captivity or a lie.
    _rule(
        "trafficking",
        r"\b(?:me|nos|le|la|les) (?:ofrecieron|ofrecio|prometieron|prometio|consiguieron"
        r"|hablaron de) (?:un |una )?(?:trabajo|brete|jale|chamba|empleo|beca|oportunidad|contrato)"
        r" (?:\w+ ){0,10}?(?:mentira|engan\w+|no era (?:verdad|asi|lo que)|resulto que)",
        r"\b(?:me|nos|la|lo|las|los) engan\w+ (?:con|diciendo|que|de que) (?:\w+ ){0,4}?"
        r"(?:trabajo|brete|jale|empleo|modelo|modelaje|hotel|crucero|beca|novio|estudiar)",
        r"\b(?:me|nos|la|lo|las|los) trajeron (?:de \w+ |desde \w+ )?(?:aqui |aca |a este pais |"
        r"a costa rica )?(?:para (?:trabajar|que trabaj\w+|bretear)|con mentiras|enganad\w+"
        r"|a la fuerza)",
    ),
    # Moved, sold or taken.
    _rule(
        "trafficking",
        r"\b" + _OBJ + r" (?:quieren|quiere|van a|iban a|piensan|va a) (?:vender|llevar (?:a|para)"
        r" otro (?:pais|lado|lugar)|sacar del pais|pasar (?:por )?(?:la frontera|a panama"
        r"|a nicaragua|paso canoas|penas blancas|sixaola|los chiles|la trocha|al otro lado))",
        r"\b" + _OBJ + r" (?:vendieron|vendio|vendian|cambiaron por)(?:" + _END
        + r"| a (?:un|una|unos|unas|el|la|los|las|otr\w+)? ?(?:senor\w*|hombres?|man|maes"
        r"|tipos?|gringos?|turistas?|viej\w+|gente|personas?|familia)| por (?:plata|dinero|\d+))",
        r"\b" + _OBJ + r" (?:secuestr\w+|rapt\w+|llevaron a la fuerza|subieron a (?:un|una)"
        r" (?:carro|camion|buseta|lancha) a la fuerza|metieron (?:a|en) (?:un|una) (?:carro"
        r"|camion|van|buseta|taxi|moto|pickup)"
        r"(?! (?:de|con) (?:mi|mis) (?:mama|papa|papas|familia|tia|tio|abuel\w*)))",
        r"\bnos (?:mueven|movieron|cambian|cambiaron) de (?:casa|lugar|ciudad|pais|apartamento"
        r"|hotel|cuarto)",
        r"\b(?:me|nos) (?:pasaron|cruzaron) (?:por )?la frontera",
        r"\bel coyote (?:nos|me)\b",
        r"\b(?:me|nos|la|lo) (?:trajo|trajeron|trajo aqui|trajeron aqui)\b(?: \w+){0,6}?"
        r" (?:debo|debemos|deuda|le debo|les debo|tengo que pagar|tenemos que pagar)\b",
        r"\b(?:se )?(?:me|nos|la|lo|las|los) (?:llevaron|llevo|van a llevar|quieren llevar)"
        r" (?:a|para) otro (?:pais|lado|lugar)\b(?: \w+){0,3}? (?:con engan\w+|enganad\w+"
        r"|a la fuerza|sin (?:permiso|decir|avisar)|con mentiras)",
        r"\b(?:se )?(?:me|nos|la|lo|las|los) (?:llevaron|llevo) (?:a|para) otro pais\b",
        r"\b(?:me|nos) (?:trajeron|metieron|pasaron|sacaron) (?:\w+ ){0,2}?(?:en|por) (?:una"
        r" |un )?(?:lancha|bote|panga|camion|furgon|trailer|la montana|monte|el rio|trocha)\b",
        r"\btrata de (?:personas|blancas)\b(?= (?:\w+ ){0,4}(?:me|nos|mi|mis)\b)",
        veto=r"\bpara (?:ir )?(?:al|a la|a) (?:hospital|clinica|ebais|doctor|escuela|cole|colegio"
        r"|casa|aeropuerto|paseo)\b",
    ),
    # Locked in with the key taken, moved without knowing where, begging for a quota.
    _rule(
        "trafficking",
        r"\b(?:se lleva|se llevan|tiene|tienen|guarda|guardan|esconde|esconden) (?:la|las) llaves?"
        r" (?:cuando (?:sale|salen|se va|se van)|y no (?:me|nos) (?:deja|dejan|dejo|dejaron)|para"
        r" que no (?:me|nos)? ?(?:salga|salgamos|escape|escapemos|vaya|vayamos))",
        r"\bno (?:se|sabemos|sabe|saben) (?:a donde|adonde|para donde|hacia donde|donde) (?:me|nos"
        r"|la|lo|los|las) (?:llevan|lleva|van a llevar|estan llevando|quieren llevar)\b",
        r"\b(?:me|nos|la|lo|las|los) (?:cierran|cierra|encierran|encierra|dejan|deja)"
        r" (?:\w+ ){0,3}?(?:con candado|con llave|con cadena) (?:por fuera|cuando (?:sale|salen"
        r"|se va|se van))",
        r"\bno (?:me|nos) (?:dicen|dice|quieren decir) (?:a donde|adonde|para donde|hacia donde)"
        r" (?:vamos|me llevan|nos llevan|nos van a llevar)\b",
        danger=True,
    ),
    _rule(
        "trafficking",
        r"\b(?:me|nos|la|lo|los|las) (?:pusieron|ponen|pone|puso|mandan|manda|mandaron|obligan"
        r"|obliga|tienen|tiene) a pedir (?:plata|dinero|limosna|en (?:la|el|los|las))\b",
        r"\bsi no (?:junto|juntamos|junta|juntan|llevo|llevamos|completo|completamos|vendo"
        r"|vendemos)\b(?: \w+){0,6}? no (?:hay|me dan|nos dan|nos dejan|me dejan) (?:comida"
        r"|almuerzo|de comer|comer|cena|entrar|dormir)\b",
        veto=r"\b(?:rifa|rifas|paseo|excursion|graduacion|iglesia|beneficencia|teleton|cruz roja"
        r"|bingo)\b",
    ),
    # Red-flag job offers: not yet harm, but exactly how recruitment starts.
    _rule(
        "trafficking",
        r"\b(?:me|nos|le|la|les) (?:ofrecieron|ofrecio|ofrece|ofrecen|propusieron|propuso|prometen"
        r"|prometieron|prometio|escribieron con|hablaron de) (?:\w+ ){0,2}?(?:trabajo|brete|jale"
        r"|chamba|empleo|beca|oportunidad|contrato)\b(?: \w+){0,10}? (?:sin requisitos|en el"
        r" extranjero|en otro pais|afuera del pais|fuera del pais|en (?:un )?crucero|de modelo"
        r"|de modelaje|en modelaje|me pagan el (?:pasaje|viaje|boleto)|pagan el (?:pasaje|viaje"
        r"|boleto)|no (?:le )?(?:diga|cuente) a nadie|el pasaporte|mi pasaporte|muy bien pagad\w*"
        r"|en (?:panama|mexico|estados unidos|usa|europa|espana|dubai|japon|guatemala|china))",
        r"\b(?:me|nos|le|la|les) (?:dijeron|dijo|contaron|conto) que (?:en \w+ )?(?:habia|hay"
        r"|tenian|tienen) (?:\w+ ){0,2}?(?:trabajo|brete|jale|chamba|empleo)\b(?: \w+){0,10}?"
        r" (?:sin requisitos|pagaban el (?:pasaje|viaje|boleto)|pagan el (?:pasaje|viaje"
        r"|boleto)|de modelo|de modelaje|en (?:el extranjero|otro pais|un crucero))",
        weak=True,
    ),
)

_SELLING_TAIL = (
    r"(?:" + _END + r"| a (?:un|una|unos|unas|los|las|sus|otr\w+)? ?(?:senor\w*|hombres?|man|maes"
    r"|tipos?|gringos?|turistas?|viej\w+|clientes?|amigos)| por (?:plata|dinero|\d+)| cuando| y)"
)

_SEXUAL_EXPLOITATION = (
    _rule(
        "sexual_exploitation",
        r"\b" + _OBJ + r" (?:da|dan|daba|daban|dio|dieron|ofrece|ofrecen|ofrecio|ofrecieron"
        r"|regala|regalan|regalo|regalaron|paga|pagan|pago|pagaron|pagaba|pagaban|compra|compran"
        r"|compro|compraron|promete|prometio|manda|mando|deposita|deposito|hace|hizo|pone|puso"
        r"|ofrezca|ofrezcan|ofreciera|ofrecieran|diera|dieran|pagara|pagaran|de|den|pague"
        r"|paguen|regale|regalen)"
        r" (?:\w+ ){0,4}?" + _GIFT + r" (?:\w+ ){0,4}?(?:a cambio de|por|si|para que|cuando"
        r"|con tal de|solo por) (?:\w+ ){0,3}?" + _SEX_ACT,
        r"\ba cambio de (?:\w+ ){0,2}?" + _alt(
            _MEDIA, r"packs?", r"nudes", r"sexo", r"relaciones", r"tocarme",
            r"dejarme tocar", r"que me deje tocar", r"acostarme", r"dormir con", r"cosas sexuales",
        ),
        _SEX_ACT + r" (?:\w+ ){0,3}?a cambio de (?:\w+ ){0,2}?" + _GIFT,
        r"\b(?:me|nos|le|la|les) (?:paga|pagan|pago|pagaron|pagaba|pagaban) por (?:\w+ )?"
        r"(?:\w+ )?" + _alt(
            _MEDIA, r"packs?", r"nudes", r"sexo", r"estar con", r"dejarme tocar",
            r"tocarme", r"acostarme", r"dormir con", r"verme", r"mostrar\w*", r"ensenar\w*",
            r"hacer shows", r"shows", r"videollamadas", r"desvestirme", r"bailar\w*",
        ),
        veto=r"\b(?:ensen|mostr)\w* (?:a (?:hacer|cocinar|surfear|nadar|bailar|hablar|tocar|jugar"
        r"|manejar|pescar|usar|preparar)|(?:el|la|los|las) (?:camino|ruta|playa|pueblo|idioma"
        r"|espanol|ingles|volcan|parque|tour|catarata))\b",
    ),
    _rule(
        "sexual_exploitation",
        r"\b(?:me|nos|la|lo|las|los) (?:vende|venden|vendia|vendian)" + _SELLING_TAIL,
        r"\b(?:me|nos|la|lo|las|los) (?:ofrece|ofrecen|ofrecia|ofrecian|ofrecio|ofrecieron|presta"
        r"|prestan|lleva|llevan|llevaba|llevaban|llevo|llevaron|manda|mandan) (?:a|con) (?:unos |"
        r"los |sus |varios )?(?:senores|hombres|clientes|turistas|gringos|extranjeros|viejos"
        r"|amigos de (?:el|ella)|sus amigos|maes)",
        r"\b(?:me|nos|la|lo) prostitu\w+",
        r"\b(?:me|nos|la|lo|las|los) (?:manda|mandan|mandaba|obliga|obligan|pone|ponen|lleva"
        r"|llevan) a (?:estar|acostarme|dormir|salir|ir|quedarme|bailar) con (?:unos |los |sus )?"
        r"(?:senores|hombres|clientes|turistas|gringos|extranjeros|viejos|maes)\b",
        r"\b(?:gringo|turista|extranjero|senor|viejo|man|tipo|hombre)\b(?: \w+){0,3}? (?:me|le|la)"
        r" (?:dio|da|regalo|regala|compro|compra|paga|pago)\b(?: \w+){0,6}? (?:quiere|pide|dice)"
        r" que (?:salga|vaya|duerma|me acueste|este|me quede|me vaya|la acompane|lo acompane)"
        r" (?:con el|a su)",
        r"\b(?:hotel|motel|su cuarto|su casa|su apartamento)\b(?: \w+){0,4}? (?:por|a cambio de)"
        r" (?:plata|dinero|\d+|dolares|colones|harina)\b",
        r"\bprostitu\w+ (?:a mi|a mis|a nosotr\w+)",
        r"\b(?:me|nos|la|lo|las|los) (?:pone|ponen|puso|pusieron|obliga|obligan|obligo|obligaron)"
        r" a (?:trabajar|bailar|atender|estar) (?:en (?:un |una )?(?:bar|bares|la calle|cantina"
        r"|night|club|fiestas|motel|hotel)|con (?:senores|hombres|clientes|turistas|gringos))",
        r"\b(?:tengo|tenemos|me toca|nos toca) (?:que )?(?:estar|acostarme|salir|atender|bailar"
        r"|dormir) (?:con|a) (?:unos |los |varios )?(?:senores|hombres|clientes|turistas|gringos"
        r"|extranjeros|viejos)",
        r"\bfiestas? (?:con|de) (?:senores|turistas|gringos|viejos|hombres mayores|extranjeros)"
        r" (?:\w+ ){0,6}?(?:nos|me) (?:pagan|dan|tocan|llevan|obligan|dan plata)",
        r"\b(?:clientes|turistas|gringos|senores)(?: del bar| de la cantina)? (?:me|nos)"
        r" (?:tocan|pagan|llevan|escogen|manosean)",
        r"\bsugar daddy\b",
        r"\b(?:vende|venden|vendia|vendio|vendieron) (?:\w+ )?(?:" + _MEDIA + r"|packs?|nudes)"
        r" (?:de|a)\b",
        r"\b(?:me|nos|la|lo|las|los) (?:lleva|llevan|llevaba|llevaban|llevo|llevaron|manda"
        r"|mandan|mandaba) (?:donde|con|a la casa de|al cuarto de|al hotel de) (?:un|unos|una"
        r"|el|los|ese|esos) (?:senor\w*|hombres?|gringos?|turistas?|viej\w+|extranjer\w+|man"
        r"|maes|tipos?)\b(?=.*\b(?:plata|dinero|paga\w*|pago|regal\w*|harina|toca\w*|cosas"
        r"|fot\w*|sol[oa]s?|a solas|dormir|noche|desnud\w*|ropa)\b)",
        r"\b(?:turistas?|gringos?|extranjer\w+|senor\w*|viej\w+|man|tipos?|hombres?)\b"
        r"(?: \w+){0,6}? (?:hotel|motel|cuarto|apartamento|carro|casa)\b(?: \w+){0,6}?"
        r" (?:me|nos|le|la) (?:dio|da|pago|paga|regalo|regala|dieron|pagaron|ofrecio|ofrece"
        r"|dejo) (?:\w+ )?(?:plata|dinero|\d+|dolares|colones|harina|billetes?)",
        r"\bwebcam\w* (?:por|a cambio|pagad\w*)",
        r"\b(?:paga|pagaba|pagan|da plata|regala|regalaba|compra|compraba)\b(?: \w+){0,4}? (?:y )?"
        r"(?:la|lo|me|nos|las|los) (?:lleva|llevaba|llevan|saca|sacaba) (?:a|al) (?:hoteles|moteles"
        r"|un hotel|un motel|hotel|motel)\b",
        r"\b(?:ya )?(?:estamos|vamos|voy|estoy) llegando (?:a|al) (?:un |el )?(?:motel|hotel"
        r"|su casa|su apartamento|su cuarto)\b(?=.*\b(?:pagar|paga|pago|plata|dinero|dolares"
        r"|cliente|no quiero)\b)",
    ),
    # Euphemisms, where an adult's money or keep is the lever: "si quiero plata para el cole
    # tengo que hacerle favores a su amigo", "me da 10 rojos cada vez que voy a su casa".
    _rule(
        "sexual_exploitation",
        r"\b" + _OBJ + r" (?:da|dan|daba|daban|dio|dieron|paga|pagan|pago|pagaba|pagaban|regala"
        r"|regalan|regalaba|compra|compraba|deposita|manda|presta|fia|rebaja|rebajan|perdona"
        r"|cobra|cobran) (?:\w+ ){0,4}?" + _GIFT + r" (?:\w+ ){0,4}?(?:a cambio de|por|si|para que"
        r"|cada vez que|siempre que|con tal de que|con tal de) (?:que )?(?:\w+ ){0,2}?"
        + _SEX_EUPHEMISM,
        r"\ba cambio de (?:\w+ ){0,2}?" + _SEX_EUPHEMISM,
        # An obligation to do "favores" / be "cariñosa" with a man, with money or keep at stake.
        r"\b(?:tengo que|tenes que|tiene que|tenia que|debo|me toca|me pide que|me pidio que"
        r"|me dice que|me dijo que|quiere que|quieren que) (?:\w+ ){0,2}?(?:hacerle|hacerles"
        r"|le haga|les haga|hacer|haga) (?:unos |algunos |ciertos )?favores (?:a|al|para) (?:su"
        r"|sus|un|unos|el|los|ese|esos) (?:amig\w+|senor\w*|compadre|cliente\w*|turista\w*"
        r"|gringo\w*|jefe|patron|dueno|viej\w+|man|maes|hombres?|tipos?)\b",
        r"\b(?:le|les) debo (?:unos |algunos )?favores\b",
        r"\b(?:me|nos) (?:pide|pidio|pedia|piden|pidieron|exige) (?:que )?(?:le |les )?(?:haga"
        r"|hagamos|hiciera|hacer|hacerle) (?:unos |algunos |ciertos )?favores\b",
        r"\b(?:portarme|porte|portara|ser|sea|fuera|estar|este) (?:muy )?(?:bonito|bonita|bien"
        r"|lind[oa]|carinos[oa]|buen[oa]|amable|complaciente) con (?:el|un|una|su|sus|ese|esos|los"
        r"|unos|el) (?:amig\w+|senor\w*|compadre|cliente\w*|turista\w*|gringo\w*|jefe|patron|dueno"
        r"|viej\w+|man|maes|hombres?|tipos?)\b",
        r"\b(?:atender|atiendo|atendiendo|acompanar|acompano|acompanando|hacerle compania"
        r"|hacerles compania|entretener) a (?:sus|los|unos|el|al|un|ese|esos) (?:amig\w+"
        r"|cliente\w*|senor\w*|turista\w*|gringo\w*|extranjer\w+|invitados"
        r"|huespedes)\b(?: \w+){0,4}? (?:en la noche|de noche|en las noches|en su cuarto"
        r"|en el cuarto|a su cuarto|a solas|sol[oa])\b",
        r"\b(?:el )?(?:alquiler|cuarto|comida|pasaje|deuda|mensualidad) (?:lo |la )?(?:pago|pagamos"
        r"|tengo que pagar|se paga) (?:\w+ ){0,2}?(?:atendiendo|acompanando|estando con|portandome"
        r"|durmiendo con|con favores|haciendo favores)",
        requires=r"\b(?:plata|dinero|paga\w*|pago|pague|cobr\w+|alquiler|mensualidad|rojos?|mil"
        r"|colones|dolares|harina|recargas?|regal\w+|comida|fiad\w*|ropa|cel|celular|cole|zapatos"
        r"|utiles|deuda|debo|\d+|amig[oa]s? de (?:el|ella|mi \w+)|su amig[oa]|senor\w*|man|viej\w+"
        r"|turistas?|gringos?|clientes?|taxista|chofer|compadre|duen[oa]|jef[ea]|patron\w*"
        r"|encargad\w+)\b",
        veto=r"\b(?:mandados|oficio|plantas|regar|riego|barrer|barro|barri|lavar\w*|lavo|cuid\w+"
        r"|compras|limpi\w+|zacate|tarea|soda|restaurante|tienda|pulperia|caja|mesas|super"
        r"|heladeria)\b"
        r"|\b(?:mi|su) (?:abuel\w+|mama|papa|mami|papi|madrina|padrino|tia|tio) (?:me|le) (?:da"
        r"|paga|regala|compra)\b",
    ),
)

_REQUEST_VERB = _alt(
    r"pide", r"piden", r"pidio", r"pidieron", r"pedia", r"pedian", r"pidiera", r"pidieran",
    r"pidiese", r"pida", r"pidan", r"esta pidiendo", r"estan pidiendo", r"sigue pidiendo",
    r"ha pedido", r"han pedido", r"exige", r"exigen", r"exigio", r"insiste en",
    r"quiere", r"quieren", r"queria", r"quiso",
)
_SEND_VERB = _alt(
    r"mande", r"mandara", r"mandase", r"pase", r"pasara", r"envie", r"enviara", r"ensene",
    r"ensenara", r"muestre", r"mostrara", r"haga", r"hiciera", r"tome", r"tomara",
)

_SPREAD = (
    r"(?:publicar|subir|pasar|mandar|ensenar|difundir|compartir|regar|mostrar|postear|filtrar"
    r"|divulgar)"
)

# Grooming locks a child in with secrecy about "what we have" and with flattery that makes
# the child feel older than they are.  Both are ordinary words between peers, so they count
# when an adult or a young writer is named, or when nothing marks the other as a peer.
_RELATIONSHIP = _alt(
    r"lo (?:nuestro|suyo|de (?:nosotros|nosotras|los dos|ustedes|ellos|ellas|el y yo"
    r"|ella y yo))",
    r"lo que (?:tenemos|hablamos|nos escribimos|nos decimos|hacemos"
    r"|hay entre (?:nosotros|los dos))",
    r"nuestra relacion", r"nuestras (?:conversaciones|charlas|fotos)",
    r"nuestros (?:chats|mensajes|audios)",
)
_SECRET = _alt(
    r"(?:un |en |nuestro )?secret[oa]", r"en privado", r"escondid[oa]", r"a escondidas",
    r"entre (?:los dos|nosotr[oa]s|usted y yo|vos y yo|tu y yo|el y yo|ella y yo)",
    r"solo (?:de|para|entre) (?:los dos|nosotr[oa]s)",
)
_KEEP = (
    r"(?:(?:tiene|tenia|tendria|va|iba) (?:que|a) |(?:debe|deberia|puede|podia)(?: de)? )?"
    r"(?:ser|quedar|quedarse|seguir|estar|es|sea|son|sean|fuera|era|sigue|siga|queda|quede"
    r"|quedara|se queda|se quede)"
)
_NOBODY_KNOWS = (
    r"(?:sepa|sepan|supiera|supieran|se entere|se enteren|se entera|se va a enterar|puede saber"
    r"|tiene que saber|debe saber|puede enterarse|tiene que enterarse|debe enterarse"
    r"|se puede enterar|se tiene que enterar|se debe enterar|nos vea|nos vean|nos puede ver)"
)
_TELL = (
    r"(?:diga|digas|dijera|dijeras|cuente|cuentes|contes|contara|contaras|hable|hables|hablara"
    r"|decir|decirle|decirles|contar|contarle|contarles|hablar|ensene|ensenes|muestre|muestres)"
)
_RELATIONSHIP_SECRECY = (
    r"\b" + _RELATIONSHIP + r" (?:siempre |solo |tambien )?" + _KEEP + r" (?:\w+ )?" + _SECRET
    + r"\b",
    r"\b(?:mantener|mantengamos|mantenga|mantengas|mantenes|guardar|guardemos|guarde|guardes"
    r"|tener|tengamos|llevar|llevemos) (?:todo )?" + _RELATIONSHIP
    + r" (?:en secreto|escondid[oa]|a escondidas|en privado)\b",
    r"\bnadie (?:mas )?" + _NOBODY_KNOWS + r" (?:nada )?(?:de|sobre) " + _RELATIONSHIP + r"\b",
    r"\bno (?:le |les |se lo |se la )?(?:\w+ )?" + _TELL + r" (?:nada )?(?:a nadie "
    r"|a (?:mis|tus|sus|los) papas |a (?:mi|tu|su) (?:mama|papa|familia) )?(?:de|sobre|acerca de) "
    + _RELATIONSHIP + r"\b",
    r"\b" + _RELATIONSHIP + r" no (?:se lo |se la |le |les )?(?:\w+ )?" + _TELL
    + r" (?:a )?nadie\b",
)
# "muy madurita", "madura para tu edad", "no sos como las otras de tu edad", "toda una mujer".
_MATURE = _alt(
    r"(?:mas |muy |bien |tan |super |re |demasiado |bastante )?madur(?:it)?[oa]s?",
    r"toda una (?:mujer|mujercita|senorita)", r"todo un hombre(?:cito)?", r"una mujercita",
    r"(?:una )?mujer de verdad",
)
_MATURE_FOR_AGE = (
    r"\bmadur(?:it)?[oa]s? para (?:tu edad|tener \d+|la edad que tenes|la edad que tienes)",
    r"\b(?:usted es|es usted) (?:\w+ )?madur(?:it)?[oa]s? para su edad",
    r"\bmas madur(?:it)?[oa]s? que (?:las|los|otras|otros) (?:\w+ )?(?:de (?:tu|su) edad"
    r"|chiquit[oa]s|carajill[oa]s|ninas|ninos|chamac[oa]s|guilas)",
    r"\bno (?:sos|eres|es) como (?:las|los) (?:otras|otros|demas) (?:\w+ )?(?:de (?:tu|su) edad"
    r"|chiquit[oa]s|carajill[oa]s|ninas|ninos|chamac[oa]s|guilas)",
)
_SAY = (
    r"(?:dice|dijo|decia|dicen|escribe|escribio|escribia|pone|puso|repite|repetia|manda|mando"
    r"|asegura|comenta|cree|piensa)"
)
_MATURITY_FLATTERY = (
    r"\b(?:(?:me|le|nos|les) )?" + _SAY + r" (?:\w+ ){0,4}?que (?:yo |ella |el |usted |vos |tu )?"
    r"(?:ya )?(?:soy|sos|eres|es|estoy|estas|esta|era|estaba|seria) " + _MATURE + r"\b",
    r"\b(?:ya )?(?:sos|eres|es usted|usted es|estas) (?:ya )?" + _MATURE + r"\b",
    r"\bme (?:\w+ )?" + _SAY + r" (?:\w+ ){0,2}?que (?:no )?(?:parezco|pareces|parece) (?:de"
    r" (?:1[5-9]|[2-9]\d)|mas grande|mayor|toda una mujer|todo un hombre)\b",
    r"\bme (?:\w+ )?" + _SAY + r" (?:\w+ ){0,2}?que no (?:parezco|pareces|parece)"
    r" de (?:[89]|1[0-4])\b",
    *_MATURE_FOR_AGE,
)
# An adult, or someone clearly older: "un señor", "un mae de 19", "tiene 25", "mayor que yo".
_OLDER_PERSON = (
    r"\b(?:senor|senora|senores|adulto|adulta|veterano|don|dona|desconocido|extranjero|gringo"
    r"|turista|casado|casada)\b|(?<!\btodo )\b(?:un|el|ese|este|aquel) hombre\b"
    r"|(?<!\bmi )(?<!\bmis )\bviej[oa]s?\b"
    r"|\b(?:man|mae|tipo|mujer|muchach[oa]|chavalo|novi[oa]|amig[oa]|roco|pareja|chamac[oa]"
    r"|alguien|persona|profe|profesora?|entrenadora?|jefe) (?:que tiene |de )(?:1[89]|[2-9]\d)\b"
    r"|\b(?:tiene|tenia|ya tiene|como de) (?:1[89]|[2-9]\d)(?: anos)?\b"
    r"|\bmayor (?:de edad|que yo)\b|\b(?:mucho|bastante|muchos anos|\d+ anos) mayor\b"
    r"|\bme (?:lleva|llevaba) (?:como )?(?:\d+|muchos|bastantes) anos\b"
    r"|\b(?:el|mi|un|ese|este|la|una|esa) (?:profe|profesora?|maestr[oa]|entrenadora?|jef[ea]"
    r"|pastor|padrastro|chofer|busero|taxista|doctor|policia|guarda|catequista|sacerdote)\b"
    r"|\b(?:novio|pareja|esposo|marido|amig[oa]|compa|companero|jefe) de (?:mi|su) (?:mama|mami"
    r"|papa|papi|tia|tio|abuel[oa]|madrina|padrino)\b"
)
# The writer gives a child's age or school year.
_YOUNG_WRITER = (
    r"\b(?:tengo|cumpli|voy a cumplir|apenas tengo|solo tengo|yo de) (?:[89]|1[0-7])"
    r"(?: anos| anitos)?(?=\s*(?:[?!.,]|$|y\b|pero\b|entonces\b))"
    r"|\b(?:soy|estoy) (?:de|en) (?:cuarto|quinto|sexto|septimo|octavo|noveno|decimo)\b"
    r"|\bsoy (?:menor de edad|una nina|un nino|una chiquita|un chiquito)\b"
)
# Somebody trusted, a woman the writer knows or a crowd says it: praise, not a lure.
_FAMILY_SAYS = (
    r"(?<!\bde )(?<!\bdel )\b(?:mis?|la|el|los|las|una|esa) (?:mama|mami|papa|papi|papas|tata"
    r"|abuel[oa]s?|tia|tio|tias|tios|herman[oa]s?|prim[oa]s?|madrina|padrino|viej[oa]|profe"
    r"|profesora?|maestr[oa]|entrenadora?|jef[ea]|orientadora?|psicolog[oa]|familia|senora"
    r"|vecina|doctora|enfermera|dona \w+)\b(?: \w+){0,3}? (?:(?:me|le|nos) )?" + _SAY + r"\b"
    r"|\b" + _SAY + r" (?:mis?|la|el) (?:mama|mami|papa|papi|papas|tata|abuel[oa]|tia|tio"
    r"|herman[oa]|madrina|padrino|viej[oa]|profe|profesora?|maestr[oa]|entrenadora?|jef[ea])\b"
    r"|\b(?:todos|todo el mundo|la gente|mis amig[oa]s|mis compas|mis companer[oa]s) (?:me )?"
    + _SAY + r"\b"
)
# The other is a peer of the writer's age: a classmate, a friend, someone of 8 to 17.
_PEER_OF_WRITER = (
    r"\b(?:de|a) (?:mi|nuestra|la misma) (?:edad|clase|grado|seccion|aula|grupo|cole|colegio"
    r"|escuela)\b"
    r"|\bmisma edad\b|\bcomo yo\b|\btiene mi edad\b"
    r"|\b(?:mi|un|una|el|la) (?:companer[oa]|compa|compi)\b|\bmis? (?:mejor )?amig[oa]s?\b"
    r"|\b(?:novi[oa]|man|mae|tipo|muchach[oa]|chavalo|chamac[oa]|carajill[oa]|guila|amig[oa]"
    r"|compa|companer[oa]|prim[oa]|herman[oa]|vecin[oa]) (?:de|que tiene|tiene) (?:[89]|1[0-7])\b"
    r"|\b(?:mi|el|la) \w+ y yo\b|\byo y (?:mi|el|la)\b"
    r"|\bno (?:me|le|nos|les) dejan tener novi[oa]s?\b"
    r"|\b(?:sus|tus) (?:papas|tatas|viejos|mama|papa) (?:son|no (?:le|lo|la) dejan|no saben"
    r"|no sabe)\b"
)
# The couple's own choice: "queremos que lo nuestro sea secreto", "decidimos que nadie sepa".
_MUTUAL = (
    r"\b(?:queremos|no queremos|quisimos|decidimos|acordamos|quedamos en|preferimos)"
    r" (?:que )?(?:mantener |guardar |tener |dejar )?(?:"
    + _RELATIONSHIP + r"|nadie|en secreto)\b"
)
# Praise earned by a deed: "dice que soy muy madura porque ayudo a mi mamá".
_PRAISE_FOR_A_DEED = (
    r"\b(?:porque|ya que) (?:le |les |me )?(?:ayudo|trabajo|cuido|estudio|saco|me porto|colaboro"
    r"|cocino|ahorro|hago (?:el oficio|mis tareas|la tarea|los mandados))\b"
    r"|\bpor (?:ayudar\w*|trabajar|cuidar\w*|estudiar|sacar|portarme|colaborar|cocinar|ahorrar)\b"
)
# A surprise being prepared for somebody is a secret nobody is being locked into.
_SURPRISE = (
    r"\b(?:fiesta|regalo|cumple\w*|celebracion|despedida|serenata|pastel|queque|cena|visita"
    r"|viaje) (?:\w+ )?sorpresa\b|\bsorpresa (?:para|a) (?:mi|mis|su|sus|la|el|los|las"
    r"|nuestr[oa]s?) \w+"
    r"|\b(?:le|les) (?:vamos a|estamos|queremos|vamos) (?:hacer|haciendo|organizar|organizando"
    r"|preparar|preparando|comprar|comprando|dar|regalar)\b"
)

_ONLINE_GROOMING = (
    _rule(
        "online_grooming",
        _MEDIA + r" (?:\w+ ){0,3}?" + _SEXUAL_QUALIFIER,
        _PACK,
        r"\b(?:que (?:me|le) )?(?:quit\w+ la ropa|desvist\w+|desnud\w+) (?:\w+ ){0,3}?"
        r"(?:en (?:la )?(?:camara|videollamada|video)|por (?:videollamada|camara))",
        r"\bque (?:me|le) (?:quite|quitara|desnude|desnudara|desvista|desvistiera)\b",
    ),
    _rule(
        "online_grooming",
        r"\b(?:me|nos|le|la|les) " + _REQUEST_VERB + r" (?:unas? |mas |otra |otras |que le "
        + _SEND_VERB + r" )?" + _MEDIA + r"\b",
        r"\b(?:me|le) (?:dijo|dice|pidio|pide|escribio|escribe|exige|exigio) que le "
        + _SEND_VERB + r" (?:\w+ ){0,2}?" + _MEDIA + r"\b",
        r"\b(?:quiere|quieren|queria) que (?:le|les) " + _SEND_VERB + r" (?:\w+ ){0,2}?"
        + _MEDIA + r"\b",
        r"\b(?:mandame|pasame|enviame|mandeme|paseme|envieme|mostrame|mostrame|ensename"
        r"|enseneme) (?:\w+ ){0,2}?" + _MEDIA + r"\b",
        veto=r"\b" + _MEDIA + r" (?:para (?:el|la|un|una|mi) (?:carne|carnet|cedula|pasaporte"
        r"|book|album|proyecto|tarea|clase|concurso|periodico|revista|graduacion|expediente"
        r"|matricula|anuario|mural)|de (?:la|el|mi|su) (?:cara|carne) para)|\b" + _MEDIA
        + r" (?:del|de la|de los|de las|de mi|de su) (?:paseo|acto|tarea"
        r"|cuaderno|proyecto|examen|graduacion|fiesta|cumple|perro|gato|comida|viaje|cole"
        r"|escuela|trabajo|apuntes|pizarra|pasaporte|cedula|recibo|carro|casa|equipo|partido"
        r"|mascota|uniforme)\b|\b" + _MEDIA + r" (?:de|del) (?:mi|su|la|el) (?:outfit|ropa|vestido"
        r"|peinado|pelo|unas|tenis|zapatos|cuarto|perro|gato|almuerzo|horario|maquillaje|disfraz"
        r"|perfil)\b|\bpara ver (?:si|como|que) (?:combin\w+|me queda|le queda|quedo)"
        r"|\b(?:mi|mis) (?:mama|papa|papas|mami|papi|abuel[oa]|tia)"
        r" (?:\w+ ){0,2}?(?:me )?(?:pide|pidio)",
    ),
    _rule(
        "online_grooming",
        r"\b(?:me|nos) (?:lo|la|los|las) (?:pide|piden|pidio|pidieron|pedia|esta pidiendo"
        r"|estan pidiendo|sigue pidiendo|exige|exigio)\b",
        requires=r"\bpacks?\b|\bnudes?\b|\bfot\w* (?:\w+ ){0,3}?(?:sin ropa|desnud\w*|intimas?"
        r"|hot)|\bvideollamadas?\b",
    ),
    # Sextortion.
    _rule(
        "online_grooming",
        r"\bamenaz\w+ (?:con )?(?:a )?" + _SPREAD + r"\w* (?:\w+ ){0,1}?(?:mis|mi|las|los|unas"
        r"|esas|esos|sus|su|el|nuestras)? ?(?:" + _MEDIA + r"|packs?|nudes)",
        # Without the word "amenaza", the images have to be the writer's own.
        r"\b(?:va a|van a|dice que va a|dijo que iba a|quiere|iba a|las va a|los va a) (?:a )?"
        + _SPREAD + r"\w* (?:\w+ )?(?:(?:mis|nuestras|nuestros) (?:" + _MEDIA + r"|packs?|nudes)"
        r"|(?:mi|el) (?:pack|video|nude)\b|(?:las|los|unas|unos|esas|esos) (?:" + _MEDIA
        + r"|packs?|nudes) (?:mias|mios|de mi|de nosotr\w+|que le (?:mande|pase|envie)|intim\w+"
        r"|desnud\w+|sin ropa))",
        r"\b(?:tiene|tienen) (?:\w+ )?" + _MEDIA + r" (?:mias|mios|de mi|mias? desnud\w*)",
        r"\b(?:me|nos|la|lo) (?:tiene|tienen) (?:\w+ )?amenazad[oa]s? con (?:\w+ )?(?:" + _MEDIA
        + r"|packs?|nudes|publicar|subir)",
        r"\bsi no (?:le|se lo|se las) (?:mando|paso|envio|doy) (?:\w+ ){0,3}?(?:va a|las va a"
        r"|los va a|lo va a) (?:publicar|subir|pasar|regar|mandar|ensenar)",
        r"\bsi no (?:le|les) (?:mando|paso|envio|doy) (?:mas )?(?:" + _MEDIA + r"|packs?|nudes"
        r"|plata|dinero)\b(?: \w+){0,3}? (?:le|les|me) (?:dice|cuenta|va a decir|va a contar"
        r"|manda|ensena|pasa|sube|publica)\b",
        threat=True,
    ),
    # Blackmail is sextortion when images or money are the lever, not a sibling's tattling.
    _rule(
        "online_grooming",
        r"\b(?:me|nos|la|lo) (?:\w+ )?(?:chantaje\w*|extorsion\w*)",
        requires=r"\b(?:fot\w*|vid(?:eos?|eitos?)|packs?|nudes?|plata|dinero|publicar|subir|regar"
        r"|desnud\w*|intim\w*|sin ropa|redes)\b",
    ),
    # Adults from games and apps trying to meet or buy closeness.
    _rule(
        "online_grooming",
        r"\b(?:quiere|quieren|quiso|insiste en|me pide|me pidio|me dijo|me invito|me invita"
        r"|planea|quedamos en) (?:que )?(?:nos )?(?:veamos|vernos|conocernos|conocerme|salir"
        r"|encontrarnos|juntarnos|ir a su casa|ir a un motel|verme)\b(?: \w+){0,4}? (?:a escondidas"
        r"|en secreto|sin que (?:nadie|sepan|sepa|mis papas|mi mama|mi papa)|solos|a solas"
        r"|en su casa|en un motel|en un hotel)",
        r"\b(?:alguien|un man|un mae|un senor|un tipo|una persona|un muchacho|un chavalo"
        r"|un viejo|un hombre|una senora|un desconocido)(?: \w+){0,3}? (?:de|en|por) (?:free fire"
        r"|freefire|free|roblox|fortnite|minecraft|tiktok|insta|instagram|facebook|face|discord"
        r"|whatsapp|snap|snapchat|telegram|el juego|un juego|internet|las redes|omegle|twitch"
        r"|among us|clash|pubg|cod)\b(?: \w+){0,4}? (?:quiere (?:conocerme|verme|que nos veamos)"
        r"|me (?:pide|pidio|regala|regalo|ofrece|ofrecio|manda|mando) (?:\w+ ){0,2}?(?:diamantes"
        r"|pavos|robux|skins|recargas|saldo|plata|" + _MEDIA + r")|me pregunta donde vivo)",
        r"\bme (?:pregunta|preguntaba|pregunto|preguntan) (?:donde vivo|mi direccion"
        r"|si estoy sol[oa]|si mis papas (?:estan|no estan)|a que (?:escuela|cole) voy)",
        r"\bme (?:pregunta|preguntaba|pregunto|preguntan) (?:en )?(?:que|cual) (?:escuela|cole"
        r"|colegio) (?:estoy|voy)\b(?: \w+){0,4}? (?:a que hora salgo|donde vivo|si (?:voy"
        r"|ando) sol[oa])",
    ),
    # On the way to, or waiting for, a meeting with someone met through an app or a game.
    _rule(
        "online_grooming",
        r"\b(?:voy|ya voy|vamos|me voy|salgo|sali|estoy yendo|ando yendo|voy camino|ya voy camino"
        r"|me monte|me subi|estoy saliendo|voy saliendo|me estoy alistando|me estoy arreglando)\b"
        r"(?: \w+){0,6}? (?:(?:a|para) (?:verme|vernos|encontrarme|juntarme"
        r"|conocerlo|conocerla)(?: con)?|(?:a|para) ver (?:al|a la|a un|a una|a ese|a esa)"
        r"|donde (?:el|ella) me espera)"
        r"\b(?: \w+){0,4}? (?:de|del|en|por|que conoci en|que conoci por) (?:free fire|freefire"
        r"|free|roblox|fortnite|minecraft|tiktok|insta|instagram|facebook|face|discord|whatsapp"
        r"|snap|snapchat|telegram|el juego|un juego|internet|las redes|tinder|la app|among us)\b",
        r"\b(?:estoy|ya estoy|estamos)\b(?: \w+){0,4}? esperando (?:a|al|a la|a un"
        r"|a una)\b(?: \w+){0,3}? (?:de|del|que conoci en|que conoci por) (?:free fire|freefire"
        r"|free|roblox|fortnite|minecraft|tiktok|insta|instagram|facebook|face|discord|whatsapp"
        r"|snap|snapchat|telegram|el juego|un juego|internet|las redes|tinder|la app|among us)\b",
        r"\bse (?:va|van) a (?:ver|encontrar|juntar) (?:hoy|esta noche|esta tarde|ahorita"
        r"|en un rato|manana)\b(?: \w+){0,4}? con (?:un|una|el|ese) (?:senor|man|mae|tipo|hombre"
        r"|viejo|muchacho|desconocido|adulto)\b",
        danger=True,
    ),
    # An adult courting a child.
    _rule(
        "online_grooming",
        r"\b(?:me|le) (?:manda|mandan|mando|mandaba|escribe|escribio|escribia) (?:\w+ )?"
        r"(?:mensajes|cosas|audios|stickers)? ?(?:raros|raras|feos|feas|cochinos|cochinas"
        r"|sexuales|hot|subidos de tono|diciendo que soy (?:muy )?(?:sexy|rica))\b",
        r"\b(?:un|el|ese|este|mi) (?:profe|profesor|maestro|senor|man|mae|tipo|viejo|entrenador"
        r"|adulto|desconocido|jefe|pastor|chofer|padrastro|vecino|tio)\b(?: \w+){0,4}? (?:me|le)"
        r" (?:manda|mandan|mando|mandaba|escribe|escribio|escribia) (?:\w+ )?(?:mensajes|cosas"
        r"|audios)? ?(?:de amor|de noche|en la noche|a medianoche|en la madrugada|diciendo que soy"
        r" (?:muy )?(?:bonita|linda|guapa|hermosa))\b",
        r"\b(?:que )?(?:vaya|ir|venga|llegue|pase) (?:a|por) su (?:casa|cuarto|apartamento|carro"
        r"|oficina|hotel) (?:\w+ ){0,2}?(?:sol[oa]|a escondidas|sin (?:decirle|contarle|que sepa)"
        r"|de noche)",
        r"\b(?:senor|hombre|man|mae|tipo|viejo|adulto|profe|profesor|entrenador|chofer|jefe"
        r"|pastor)(?: de \d+(?: anos)?)? (?:\w+ )?(?:quiere|quiso|dice que quiere|me pidio) (?:ser"
        r" mi novio|que sea su novia|que sea su novio|andar conmigo|salir conmigo|algo conmigo"
        r"|que seamos novios)",
        r"\b(?:\d{2}|mayor de edad|adulto|casado)\b(?: \w+){0,4}? (?:quiere|quiso|me pidio)"
        r" (?:ser mi novio|que sea su novia|andar conmigo|que seamos novios|salir conmigo)",
    ),
    _rule(
        "online_grooming",
        r"\b(?:novio|novia|pareja|man|senor|hombre|tipo|mae|padrino|viejo|amigo|gringo|turista"
        r"|extranjero) de (?:[2-9]\d|1[89]) (?:anos )?"
        r"(?:que |y )?(?:le |me |la )?(?:da|regala|pide|quiere|dice|escribe|manda|busca|invita"
        r"|recoge|lleva|paga|compra|saca|visita)\b",
        r"\b(?:tiene|tengo) (?:un|una) (?:novio|novia|pareja) de (?:[2-9]\d|1[89])\b",
        requires=r"\b(?:tengo|tiene|de|cumpli|cumplio) (?:[89]|1[0-7]) (?:anos|anitos)?\b"
        r"|\b(?:mi|una|la) (?:hermanita|hermana|prima|amiga|hija|sobrina|vecina|companera)"
        r" (?:de|tiene) (?:[89]|1[0-7])\b|\b(?:estoy|esta) en (?:\w+ )?(?:grado|cole|colegio"
        r"|escuela|sexto|septimo|octavo|noveno|decimo)\b",
    ),
    # Secrecy demanded by someone: the classic grooming lock, but by itself only a weak sign.
    _rule(
        "online_grooming",
        r"\bno le (?:cuente|contara|cuentes|contas|contes|digas|diga|dijera|dijese|cuente|dije"
        r"|conte) (?:\w+ )?(?:a )?nadie",
        r"\bque (?:es|sea) (?:nuestro|un) secreto",
        r"\bnuestro secreto",
        r"\bsecreto entre (?:los dos|nosotros|usted y yo|vos y yo)",
        r"\bque no (?:le )?(?:dijera|contara|cuente|diga) (?:nada )?(?:a nadie|a mis papas"
        r"|a mi mama|a mi papa)",
        veto=_SURPRISE,
        weak=True,
    ),
    # "lo nuestro tiene que ser secreto": with an adult named it is grooming whoever chose it;
    # otherwise only when nothing marks the other as a peer or the secret as the couple's own.
    _rule(
        "online_grooming",
        *_RELATIONSHIP_SECRECY,
        requires=_OLDER_PERSON,
        veto=_SURPRISE,
        weak=True,
    ),
    _rule(
        "online_grooming",
        *_RELATIONSHIP_SECRECY,
        veto=_PEER_OF_WRITER + "|" + _MUTUAL + "|" + _SURPRISE,
        weak=True,
    ),
    # "me escribe que soy muy madurita", "sos muy madura para tu edad" from an adult, or to a
    # writer who gives a child's age; a parent's or a classmate's praise does not count.
    _rule(
        "online_grooming",
        *_MATURITY_FLATTERY,
        requires=_OLDER_PERSON,
        veto=_FAMILY_SAYS + "|" + _PRAISE_FOR_A_DEED,
        weak=True,
    ),
    _rule(
        "online_grooming",
        *_MATURITY_FLATTERY,
        requires=_YOUNG_WRITER,
        veto=_FAMILY_SAYS + "|" + _PEER_OF_WRITER + "|" + _PRAISE_FOR_A_DEED,
        weak=True,
    ),
    # "muy madura para tu edad" is said to a child by somebody who knows the child's age.
    _rule(
        "online_grooming",
        *_MATURE_FOR_AGE,
        veto=_FAMILY_SAYS + "|" + _PEER_OF_WRITER + "|" + _PRAISE_FOR_A_DEED,
        weak=True,
    ),
)

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

_SCHOOL_OR_TECH = (
    r"\b(?:tarea|mate|matematicas?|examen|proyecto|ingles|espanol|ciencias|estudios|ejercicio"
    r"|practica|cel|celular|compu|computadora|juego|app|bot|usar|configurar|cuenta|contrasena"
    r"|registro|receta|cocinar|mudanza|compras|clase|exposicion|trabajo del|bicicleta|bici"
    r"|instalar|descargar)\b"
)
_DISTRESS = (
    r"\b(?:miedo|llor\w*|ayuda|por favor|desesperad\w*|auxilio|socorro|no aguanto|peligro"
    r"|asustad\w*|triste|angustia\w*|sufr\w*|me duele|panico|nervios)\b"
)

_HELP_REQUEST = (
    _rule(
        "help_request",
        r"\b(?:necesit\w+|ocupo|ocupamos) (?:ayuda|que me ayuden|que alguien me ayude|hablar con"
        r" alguien|ayudita"
        r"|auxilio|proteccion)\b",
        r"\b(?:ayudeme|ayudame|ayudenme|ayudennos|ayudanos|ayudenos|auxilio|socorro)\b",
        r"\balguien (?:que )?me (?:ayude|saque|rescate)\b",
        r"\b(?:pueden|puede|podes|podrias|podria) ayudarme\b",
        veto=_SCHOOL_OR_TECH,
    ),
    _rule(
        "help_request",
        r"\b(?:tengo|me da|siento|me muero de|estoy con|muert[oa]s? de|tenemos|me dan)"
        r" (?:mucho |demasiado |tanto |un monton de )?miedo\b",
        r"\bestoy (?:muy |super |demasiado |bien |tan )?(?:en peligro|asustad\w*|aterrad\w*"
        r"|aterrorizad\w*|desesperad\w*)",
        r"\bestamos en peligro\b",
        r"\b(?:esta|estan) en peligro\b",
        r"\bme siento (?:en peligro|insegur\w*|amenazad\w*)",
        r"\bno me siento segur\w*",
        r"\bno estoy segur[oa] en (?:mi casa|la casa|donde vivo|mi cuarto)",
        r"\b(?:sacame|saquenme|saqueme) de aqui\b",
        r"\b(?:vengan|venga|ven|veni) por mi\b",
        r"\b(?:llamen|llame|llama|llamar) a la policia\b",
        r"\bllamen al 911\b",
        r"\bme (?:quiero|voy a) (?:escapar|ir de (?:la|mi) casa)\b"
        r"(?! (?:un rato|al|a la|a ver|para ir"
        r"|del cole|de clase|de la clase))",
        r"\bme (?:escape|fui|vine) (?:huyendo|de (?:la|mi) casa)\b",
        r"\bestoy huyendo\b",
        r"\bno tengo (?:donde|a donde) (?:dormir|quedarme|vivir|ir)\b",
        r"\bme (?:echaron|sacaron) de (?:la|mi) casa\b",
        r"\bestoy sol[oa] en la calle\b",
        r"\b(?:me|nos) (?:esta|estan|viene|vienen|anda|andan) (?:siguiendo|persiguiendo)\b",
        r"\b(?:esta|estan) siguiendome\b",
        r"\b(?:me|nos) (?:sigue|siguen|persigue|persiguen)\b(?! en (?:insta|instagram|tiktok"
        r"|twitter|redes|face|facebook|snap|youtube|twitch))(?! \w+(?:ando|iendo)\b)"
        r"(?! a todos lados| a todas partes| por toda la casa)",
        r"\bestoy (?:escondid[oa]|atrapad[oa]|herid[oa])\b",
        r"\bestoy sangrando\b(?! de la (?:rodilla|nariz))",
        r"\bsangr(?:o|ando) mucho\b",
        r"\b(?:ya )?no aguanto (?:mas|esto|esta situacion|vivir asi|mi vida|estar aqui|en mi"
        r" casa|en esta casa)\b(?! (?:a|al|a la|el|la|los|las|este|esta|ese|esa|tanto|tanta)\b)",
        r"\bya no (?:aguanto|puedo mas)" + _END,
        r"\bnadie me (?:ayuda|cree|escucha|protege)\b",
        r"\b(?:vivo con|le tengo|les tengo|tengo) (?:mucho )?miedo (?:de|a) (?:mi|mis) " + _AGENT,
        r"\bvivo con miedo\b",
        r"\bno quiero (?:volver|regresar|llegar|ir) a (?:mi|la) casa\b(?! (?:todavia|aun|tan"
        r" temprano|hasta|antes|sin))",
        r"\b(?:me|nos) (?:escape|escapamos|fui|vine) (?:\w+ )?(?:de (?:la|mi) casa|de donde)",
        r"\b(?:un|una|unos|el|ese) (?:hombre|senor|man|mae|tipo|carro|moto|viejo)s? (?:\w+ ){0,4}?"
        r"(?:vigilando|espiando|me vigila|me espia|me esta esperando|esperandome)\b",
        r"\bno (?:me|nos) (?:deja|dejan) de seguir\b",
        r"\b(?:hay|esta|estan) (?:un|una|unos|el|ese) (?:hombre|senor|man|mae|tipo|carro|moto|viejo"
        r"|desconocido)s? (?:\w+ ){0,3}?(?:afuera|frente a|enfrente de|en la puerta|en el porton"
        r"|parado)\b(?: \w+){0,8}? (?:estoy sol[oa]|estamos sol[oa]s|mirando|vigilando|esperando"
        r"|tocando|hace (?:rato|horas))",
        r"\bestoy (?:escondid[oa] )?(?:debajo de la cama|dentro del closet|en el closet)\b",
        r"\bme estoy escondiendo\b",
        r"\b(?:el|ella) esta en la otra (?:pieza|sala|cuarto|habitacion)\b",
        r"\b(?:me|nos) (?:quieren|quiere|estan tratando de|intentan|intentaron) (?:meter|subir"
        r"|llevar) (?:a|en) (?:un|una|el|su) (?:carro|camion|van|buseta|taxi|moto|pickup|lancha)\b",
        r"\b(?:estan|esta) (?:tocando|golpeando|pateando|aporreando) (?:la puerta|el porton"
        r"|la ventana) (?:muy |super )?(?:fuerte|duro)",
        r"\bno estoy segur[oa] (?:aqui|donde estoy)\b",
        r"\bllamen a (?:alguien|la policia|el 911|al 911)\b",
        r"\b(?:me|nos) (?:siguieron|siguio|vienen siguiendo|viene siguiendo|venia siguiendo"
        r"|venian siguiendo|fueron siguiendo|fue siguiendo) (?:desde|hasta|por|todo)\b",
        veto=r"\bmiedo (?:a |de )?(?:las |los |la |el )?(?:aranas|cucarachas|alturas|payasos"
        r"|oscuridad|perros|examen\w*|exposicion\w*|tormentas|truenos|agujas|inyecciones"
        r"|pelicula\w*|dentista|perder el|reprobar|hablar en publico|volar|avion\w*|agujas?"
        r"|vacunas?|inyecci\w+|sangre|operacion|doctor|ebais)"
        # "tengo miedo de no pasar el examen de admisión", "de que me vaya mal en la prueba"
        r"|\bmiedo (?:de |a )?(?:que )?(?:no )?(?:pasar|ganar|aprobar|quedarme|me quede|perder"
        r"|pierda|reprobar|repruebe|jalarme|me jale|fallar|salir mal|me vaya mal|me acepten"
        r"|me rechacen|equivocarme|me equivoque) (?:\w+ ){0,2}?(?:examen\w*|prueba|quiz|ano"
        r"|curso|materia|mate|bachillerato|admision|entrevista|audicion|clase|tarea|practica"
        r"|exposicion|u|colegio|cole|beca|equipo|seleccion)\b"
        r"|\bmiedo (?:del|al) (?:examen|quiz|dentista|doctor|perro|agua|mar)"
        r"|\bno aguanto (?:mas )?(?:(?:la|el|las|los|este|esta|ese|esa|tanto|tanta) )?(?:risa"
        r"|calor|frio|hambre|ganas|tarea|examen\w*|clase|profe|sueno|dolor de)",
    ),
    # A bare "ayuda" inside a longer message counts when something urgent sits beside it.
    _rule(
        "help_request",
        r"\b(?:ayuda|auxilio|socorro)\b",
        requires=r"\b(?:miedo|llor\w*|peligro|asustad\w*|borrach\w*|tomad[oa]|drogad\w*"
        r"|cuchillo|pistola|arma|machete|viene|vienen|afuera|sigue\w*|siguiendo|sangr\w*"
        r"|encerrad\w*|pegando|golpeando|urgente|auxilio|socorro|policia|911)\b",
        veto=_SCHOOL_OR_TECH,
    ),
    _rule(
        "help_request",
        r"\bno se (?:que hacer|que hago|a quien (?:decirle|contarle|acudir))\b",
        requires=_DISTRESS,
        veto=_SCHOOL_OR_TECH,
    ),
)

# Exploitation in tourist areas, told with euphemisms: a child taken to the dock, a cruise, a
# hostel or the beach "para que acompañe a los turistas", an adult who "le consigue chiquillas a
# los gringos", a girl picked up by men in a boat who comes back with money and hurt.
_TOURIST = _alt(
    r"turistas?", r"gringos?", r"gringas?", r"extranjer[oa]s?", r"clientes?", r"huespedes",
    r"senores", r"viejos", r"maes del crucero", r"los del crucero", r"los del barco",
)
_GIRLS = _alt(
    r"chiquillas?", r"chiquitas?", r"chiquit[oa]s", r"carajillas?", r"carajill[oa]s", r"chavalas?",
    r"chavalitas?", r"guilas?", r"guilitas?", r"muchachitas?", r"chamacas?", r"ninas?", r"ninos",
    r"menores", r"chiquillos", r"nenas?", r"jovencitas?", r"colegialas?",
)
_TOURIST_PLACE = _alt(
    r"muelle", r"cruceros?", r"barcos?", r"hostal\w*", r"hostel\w*", r"playa", r"hotel\w*",
    r"yates?", r"lanchas?", r"bote", r"marina", r"puerto", r"cabinas",
)
_TOURIST_EXPLOITATION = (
    _rule(
        "sexual_exploitation",
        # Procuring: "le consigue chiquillas a los turistas", "junta chiquitas para los gringos".
        r"\b(?:le |les )?(?:consigue|consiguen|conseguia|consiguio|junta|juntan|juntaba|busca"
        r"|buscan|buscaba|trae|traen|traia|lleva|llevan|llevaba|ofrece|ofrecen|ofrecia|vende"
        r"|venden|vendia|pasa|pasaba|recluta|reclutan)(?: \w+)? " + _GIRLS + r"(?: \w+){0,3}?"
        r" (?:a|para|pa) (?:los |las |unos |unas |esos |sus )?" + _TOURIST + r"\b",
        r"\b(?:le |les )?(?:consigue|consiguen|conseguia|consiguio|junta|juntan|juntaba)"
        r" (?:\w+ ){0,2}?" + _GIRLS + r"\b(?=.*\b(?:turistas?|gringos?|extranjer\w+|cruceros?"
        r"|hostal\w*|muelle|yates?)\b)",
        veto=r"\b(?:tour\w*|guia|kayak|surf\w*|clases?|equipo|partido|mejenga|torneo)\b",
    ),
    _rule(
        "sexual_exploitation",
        # Taken, sent or made to go and "keep the tourists company".
        r"\b(?:acompane|acompanen|acompanara|acompanar|acompanarlos|acompano|acompanamos"
        r"|acompanando|compania|hacerle compania|hacerles compania|saludar|atender|entretener)"
        r" (?:a )?(?:los |las |unos |unas |esos |a esos )?" + _TOURIST + r"\b",
        requires=r"\b(?:lleva\w*|llevo|manda\w*|mando|deja\w*|obliga\w*|tengo que|tenes que"
        r"|tiene que|me toca|le toca|dice que|dijo que|me dijeron|quiere que|quieren que|para que"
        r"|pa que|plata|dinero|rojos?|harina|pagan|paga|pago|dan|cobra\w*|noche|muelle"
        r"|cruceros?|hostal\w*|consigue\w*|ponga bonita|no quiero)\b",
        veto=r"\b(?:tour\w*|guia|kayak|surf\w*|caminata|restaurante|soda|mesas|menu|canopy"
        r"|rafting|pesca|empanadas|artesania\w*|recepcion|trabaj\w+ de|con permiso|permiso"
        r"|ensenar\w* (?:el|la|los) (?:pueblo|playa|parque|camino))\b",
    ),
    _rule(
        "sexual_exploitation",
        # Picked up by men, in a boat or a car, and back with money and hurt.
        r"\b(?:vuelve|volvia|volvio|regresa|regresaba|regreso|llega|llegaba|llego|vuelvo|regreso"
        r"|llego)\b(?: \w+){0,4}? con (?:plata|dinero|harina|billetes|rojos|dolares|regalos"
        r"|ropa nueva)\b(?: \w+){0,3}? (?:y )?(?:tod[oa] )?(?:golpead\w*|lastimad\w*|moret\w*"
        r"|morad\w*|adolorid\w*|sangr\w*|llorando|asustad\w*|herid\w*|marcas|golpes|ida)\b",
        requires=r"\b(?:maes|man|senor\w*|hombres?|tipos?|viejos?|gringos?|turistas?|extranjer\w+"
        r"|lanchas?|panga|bote|yates?|carro|moto)\b",
    ),
)

# Neglect: small children left alone for days without food.
_HUNGER = _alt(
    r"sin (?:nada (?:de|que) )?(?:comer|comida)", r"(?:ya )?no hay (?:nada )?(?:de |que )?comer",
    r"(?:ya )?no hay (?:nada de )?comida", r"no (?:hemos|he) comido", r"no (?:tenemos|tengo)"
    r" (?:nada )?(?:que|de) comer", r"no (?:tenemos|tengo) comida",
    r"(?:lloran|lloraban|llorando|andan|andamos|estamos|pasamos|pasan|pasando|aguantamos|aguantan"
    r"|aguantando)"
    r" (?:de |con )?hambre", r"pidiendo comida", r"muertos de hambre",
)
_LEFT_ALONE = (
    r"\b(?:(?:nos|me|los|las|la|lo|les) )?(?:deja|dejan|dejaba|dejaban|dejo|dejaron)(?: a)?"
    r"(?: \w+){0,8}? sol[oa]s?\b(?: \w+){0,4}?"
    r" (?:por dias|por varios dias|dias enteros|varios dias|\w+ dias|toda la semana|toda una"
    r" semana|todo el fin de semana|el fin de semana|la semana|semanas|toda la noche"
    r"|noches enteras)\b"
)
_GONE_FOR_DAYS = (
    r"\b(?:se va|se van|se iba|se fue|se fueron|no vuelve|no volvio|no ha vuelto|no regresa"
    r"|no ha regresado|no aparece|desaparece|vuelve a los dias|(?:nos|me|los|las|la|lo|les)"
    r" (?:deja|dejan|dejaba|dejo) sol[oa]s?)\b"
)
_NEGLECT = (
    _rule(
        "abuse",
        _LEFT_ALONE,
        requires=r"\b(?:" + _HUNGER + r"|hambre|comida|comer|bebes?|chiquit[oa]s|chiquillos"
        r"|hermanit[oa]s|primit[oa]s|hijos|[1-9] anos|(?:uno|dos|tres|cuatro|cinco|seis|siete"
        r"|ocho|nueve|diez) anos|llor\w+)\b",
    ),
    _rule(
        "abuse",
        r"\b" + _HUNGER + r"\b",
        requires=r"(?=.*" + _GONE_FOR_DAYS + r")(?=.*\b(?:dias|semanas?|fin de semana|finde"
        r"|desde (?:el|ayer|anoche|antier|hace)|noches|ya van)\b)",
    ),
    _rule(
        "abuse",
        # Alone right now, nobody back for days and nothing to eat.
        r"\b(?:no ha vuelto|no vuelve|no ha regresado|no regresa|no aparece|no ha llegado)\b"
        r"(?: \w+){0,12}? (?:ya )?no hay (?:nada )?(?:de |que )?(?:comer|comida)\b",
        r"\b(?:ya )?no hay (?:nada )?(?:de |que )?(?:comer|comida)\b(?: \w+){0,8}? (?:no ha vuelto"
        r"|no vuelve|no ha regresado|no regresa|no aparece)\b",
        r"\b(?:ya van|van|hace) (?:dos|tres|cuatro|cinco|varios|\d+) dias (?:que|de que)"
        r" (?:mi|mis|nuestr\w+) (?:mama|papa|mami|papi|ma|pa|tia|tio|abuel\w+|papas|mae)"
        r" (?:no (?:vuelve|ha vuelto|regresa|aparece|viene|llega)|se fue)\b"
        r"(?=.*\b(?:comer|comida|hambre|hermanit\w+|bebe|chiquit\w+|sol[oa]s?)\b)",
        requires=r"\b(?:dias|semanas?|desde (?:el|ayer|anoche|antier|hace)|ya van)\b",
        danger=True,
    ),
)

# An adult who watches children shower or change, and lures a child to his car "to show him
# something": the sexual abuse pattern of coaches and instructors.
_WASHING = _alt(
    r"banamos", r"bano", r"banando\w*", r"banandose", r"banarse", r"banarnos", r"banarme",
    r"banaba\w*", r"duchamos", r"ducho", r"duchando\w*", r"ducharse", r"ducharnos",
    r"ducharme", r"duchaba\w*", r"ducha", r"duchas", r"cambiamos", r"cambio", r"cambiando\w*",
    r"cambiarnos", r"cambiarse", r"desvestimos", r"desvisto", r"desnud\w*", r"vistiendo\w*",
)
_WATCHING_AND_LURING = (
    _rule(
        "abuse",
        r"\b(?:nos|me|los|las|lo|la|le|les|se nos|se me|se les|se le)"
        r" (?:ve|ven|veia|veian|vio|mira|miran|miraba|miraban|miro|espia|espian|espiaba|espio"
        r"|observa|observaba|graba|grababa|grabo|queda viendo|quedan viendo|quedaba viendo"
        r"|queda mirando|quedaba mirando|para a ver|paraba a ver|asoma|asomaba|toma fotos|tomaba"
        r" fotos|saca fotos|sacaba fotos)\b(?: \w+){0,3}? (?:en (?:las |la |el |los )?(?:duchas?"
        r"|banos|camerinos?|vestidor\w*)|(?:cuando|mientras) (?:nos|me|se|le|les|lo|la|estamos"
        r"|estoy|esta|estan)? ?(?:\w+ )?" + _WASHING + r")\b",
        r"\b(?:entra|entraba|entran|se mete|se metia|se queda|se quedaba|se para|se paraba"
        r"|se asoma|se asomaba|esta|estaba|anda|andaba)\b(?: \w+){0,4}? (?:al|en el|a los|en los"
        r"|afuera de|fuera de|en las|a las|por las|cerca de las) (?:camerinos?|vestidor\w*|duchas?"
        r"|banos?)\b(?: \w+){0,4}? (?:cuando|mientras|a vernos|a vernos|a verlos|a mirarnos"
        r"|a espiarnos|viendonos|mirandonos)\b(?: (?:nos|me|estamos|estoy|se))?(?: \w+)?"
        r"(?: " + _WASHING + r"|\b)",
        r"\b(?:ve|vio|veia|mira|miraba|espia|espiaba|graba|grababa) (?:a \w+ )?(?:banarse"
        r"|ducharse|cambiarse|desvestirse|banandose|duchandose|cambiandose|desnud\w*)\b",
        # "te voy a enseñar algo en mi carro", "que vaya a su carro a ver algo"
        r"\b(?:ensenar|ensenarme|ensenarle|ensenarte|ensenarnos|mostrar|mostrarme|mostrarle"
        r"|mostrarte|ver|verle|ensena|ensene|muestre) algo\b(?: \w+){0,3}? (?:en|a|dentro de)"
        r" (?:su|el|mi) (?:carro|auto|camion|camioneta|buseta|moto|bodega|oficina|cuarto"
        r"|camerino|casa)\b",
        r"\b(?:su|el|mi) (?:carro|auto|camion|camioneta|buseta|bodega|oficina|cuarto)\b"
        r"(?: \w+){0,3}? (?:para|pa|a) (?:ensenar\w*|mostrar\w*|ver) algo\b",
        veto=r"\b(?:mi|su) (?:papa|mama|papi|mami|hermano|hermana|abuel\w+) (?:me|nos|le)"
        r" (?:va|quiere|iba) a ensenar\b",
    ),
)

# Child labour exploitation: children made to work unpaid, for food or to pay off a debt, made to
# sleep where they work, shut in there or kept from school.  A family business, volunteering and
# a paid job that pays little are not labour exploitation.
_WORKING = (
    r"\b(?:trabaj|jal|brete|breti)(?:o|amos|an|ando|aba|abamos|aban|ar|e|aron)\b"
)
_UNPAID_TAIL = _alt(
    r"(?<!casi )(?<!practicamente )sin (?:paga|pago|sueldo|salario|cobrar|recibir (?:nada|plata"
    r"|pago|un cinco)|que (?:me|nos|les|le|los|las) (?:paguen|den (?:nada|plata)))\b",
    r"(?:solo|nada mas|solamente|unicamente) (?:por|a cambio de) (?:la |el |un |una )?(?:pura )?"
    r"(?:comida|comidita|almuerzo|plato de comida|techo)\b",
    r"(?:por|a cambio de) (?:la |el |un |una )?(?:pura )?(?:comida|comidita|plato de comida)"
    r"(?: nada mas| nomas| y ya| y (?:un |el )?(?:lugar|espacio|campo|techo) (?:para|donde)"
    r" dormir)",
    r"a cambio de (?:la |pura )?comida\b",
)
# A debt the child did not take on: the family's, the journey's, the boss's.
_DEBT_TAIL = _alt(
    r"para pagar(?:le|les)? (?:la |una |esa )?deuda (?:de (?:mi|mis|nuestr\w+|su|sus|la familia)"
    r" (?!tarjeta|prestamo|celular|carro|moto|casa)|del (?:viaje|coyote|pasaje|cuarto)|con (?:el|la"
    r"|ese|esa) (?:patron\w*|jef[ea]|senor\w*|dueno|duena|man|mae|tipo)|que (?:tiene|tienen|dice"
    r"|dicen))",
    r"para pagar(?:le|les)? lo que (?:debe|deben|le debe|les debe|le deben|les deben|debia|debian)"
    r" (?:mi|mis|nuestr\w+|su|sus)\b",
)
_WORKPLACE = _alt(
    r"bodega", r"finca", r"taller", r"fabrica", r"cocina", r"galeron", r"bananera", r"pinera",
    r"cafetal", r"aserradero", r"construccion", r"obra", r"maquila", r"restaurante", r"bar",
)
_KIDS = _alt(
    r"chamac[oa]s", r"carajill[oa]s", r"guil(?:a|it[oa])s", r"chiquill[oa]s", r"chiquit[oa]s",
    r"ninos", r"ninas", r"chavalit[oa]s", r"chavalos", r"menores", r"cipotes",
)
_HARSH_CONDITIONS = (
    r"\b(?:en el (?:piso|suelo)|en cartones|en sacos|sin (?:paga|pago|sueldo|cama|colchon)|gratis"
    r"|no (?:nos|me|les|los|las) (?:pagan|pagaban|dejan|dejaban)|encerrad\w*|con (?:llave|candado)"
    r"|hasta la (?:medianoche|madrugada)|toda la noche|todo el dia|deuda|no (?:vamos|voy|van"
    r"|podemos ir|pueden ir) a (?:la escuela|clases|el cole)|por (?:la |pura )?comida)\b"
)
_FAMILY_BUSINESS = (
    r"\b(?:ayudo|ayudamos|ayudar|ayudarle|ayudarles|le ayudo|les ayudo|ayudandole)\b"
    r"|\b(?:soda|pulperia|tienda|negocio|verduleria|finca|taller|puesto|feria) (?:de|del) (?:mi|mis"
    r"|nuestr\w+) (?:mama|papa|papas|mami|papi|abuel\w*|tio|tia|tios|familia|padres)\b"
    r"|\bvoluntari\w*|\bservicio comunal|\btrabajo comunal|\bbeneficencia\b"
    # Working beside one's parents, unless a boss, a debt or papers come into it.
    r"|^(?!.*\b(?:deuda|patron\w*|encerrad\w*|papeles|cedulas?|pasaportes?)\b)"
    r"(?=.*\bcon (?:mi|mis) (?:mama|papa|papas|mami|papi|abuel\w*|tio|tia|tios|familia|padres)\b)"
)
# Who works, when it is the writer or children: the sleeping rules need one of them, so that a
# parent's long day and a child sleeping in the kitchen of a small house stay apart.
_CHILD_WORKING = (
    r"\b(?:trabajo|trabajamos|trabajando|trabajaba|trabajabamos|jalo|jalamos|breteo|breteamos"
    r"|bretiamos|tengo que trabajar|tenemos que trabajar|patron\w*|jef[ea]|encargad[oa]|dueno"
    r"|duena)\b(?! (?:de|para) (?:la escuela|el cole|clase|ciencias|grupo|mate))"
    r"|\b" + _KIDS + r"\b(?=.*" + _WORKING + r")"
)
_CHILD_LABOUR = (
    # Working for nothing, for food only or for somebody's debt.
    _rule(
        "trafficking",
        _WORKING + r" (?:\w+ ){0,6}?" + _UNPAID_TAIL,
        r"\b" + _OBJ + r" (?:pone|ponen|puso|pusieron|hace|hacen|obliga|obligan|tienen|tiene)"
        r" (?:a )?(?:trabajar|jalar|bretear) (?:\w+ ){0,6}?" + _alt(_UNPAID_TAIL, _DEBT_TAIL),
        r"\b(?:trabajo|trabajamos|trabajando|jalamos|breteamos|bretiamos|tengo que trabajar"
        r"|tenemos que trabajar) (?:\w+ ){0,6}?" + _DEBT_TAIL,
        r"\b" + _KIDS + r"\b (?:\w+ ){0,4}?" + _WORKING + r" (?:\w+ ){0,6}?" + _DEBT_TAIL,
        veto=_FAMILY_BUSINESS + r"|\btrabajo (?:de|para) (?:la escuela|el cole|clase|ciencias"
        r"|grupo|mate|estudios)\b",
    ),
    # Made to sleep where they work, in bad conditions.
    _rule(
        "trafficking",
        r"\b(?:dormimos|duermen|duermo|dormir|durmiendo|dormia|dormiamos|dormian|nos hacen dormir"
        r"|nos ponen a dormir|los ponen a dormir)\b (?:\w+ ){0,4}?(?:(?:en|dentro de)"
        r" (?:el (?:piso|suelo) de )?(?:la|el|una|un|esa|ese|esta|este)|(?:dentro|en el piso"
        r"|en el suelo) del) " + _WORKPLACE + r"\b",
        r"\b" + _WORKPLACE + r"\b (?:\w+ ){0,3}?(?:donde|en que) (?:dormimos|duermen|nos hacen"
        r" dormir)\b",
        requires=r"(?=.*(?:" + _CHILD_WORKING + r"))(?=.*" + _HARSH_CONDITIONS + r")",
        veto=r"\b(?:de|del) (?:mi|mis) (?:tio|tia|tios|abuel\w*|papa|mama|papas|familia)\b"
        r"|\b(?:de paseo|vacaciones|campamento|pijamada|con mi familia|acampar|acampamos)\b",
    ),
    # Sleeping on the floor, said of the writer's own workplace.
    _rule(
        "trafficking",
        r"\b(?:dormimos|duermo|dormir|durmiendo|dormiamos|nos hacen dormir|nos ponen a dormir)"
        r" (?:ahi |alli |ahi mismo |alli mismo )?(?:en el (?:piso|suelo)|en cartones|en sacos)\b",
        r"\b(?:me|nos|los|las|les) (?:tienen|tiene|tenian|ponen|pone|hacen|hace) (?:a )?"
        r"(?:trabaj\w+|jal\w+|brete\w+|breti\w+) (?:\w+ ){0,5}?hasta la (?:madrugada|medianoche)\b",
        requires=r"(?=.*(?:" + _CHILD_WORKING + r"))(?=.*\b" + _WORKPLACE + r"\b)",
        veto=r"\b(?:pijamada|casa de|sala|amig\w+|campamento|acampar|paseo|profe\w*|tarea"
        r"|proyecto|examen|feria cientifica)\b",
    ),
    # Shut in at the workplace; kept from school to work.
    _rule(
        "trafficking",
        r"\bno " + _OBJ + r" (?:deja|dejan|dejaba|dejaban|quiere dejar|quieren dejar)"
        r" (?:salir|irnos|irse|irme|ir) (?:de|del) (?:la |el )?" + _WORKPLACE + r"\b",
        r"\b" + _OBJ + r" (?:encierran|encerraron|encierra|encerro|encerraba|encerraban|dejan"
        r" encerrad\w+|tienen encerrad\w+) (?:\w+ )?en (?:la|el|una|un|esa|ese) " + _WORKPLACE
        + r"\b",
        veto=_PARENTS_RESTRICTING + r"|\b(?:profe\w*|maestr[oa]|clases?|recreo|tareas?|lluvia"
        r"|aguacero|tormenta|temblor|simulacro|castigo|platos|taller de (?:musica|arte|teatro"
        r"|pintura|robotica|lectura|ciencias|baile|dibujo|cocina))\b",
    ),
    _rule(
        "trafficking",
        r"\bno " + _OBJ + r" (?:deja|dejan|dejaba|dejaban|quiere dejar|quieren dejar)"
        r" (?:ir|volver|regresar) a (?:la escuela|el cole|clases|estudiar)\b"
        r"(?= (?:\w+ ){0,3}?(?:porque|para|por) (?:\w+ ){0,3}?(?:trabaj\w+|jalar|bretear"
        r"|la (?:finca|bodega|cosecha)|el (?:taller|patron)))",
        r"\ben (?:vez|lugar) de (?:ir a|estar en) (?:la escuela|el cole|clases)\b (?:\w+ ){0,3}?"
        r"(?:nos|me|los|las|les) (?:ponen|pone|hacen|obligan|mandan) a (?:trabajar|jalar|bretear)",
        veto=r"\b(?:lluvia|aguacero|tormenta|temblor|simulacro|castigo|enfermo|enferma|fiebre"
        r"|vacaciones)\b",
    ),
    # Children, named as such, working under those conditions.
    _rule(
        "trafficking",
        r"\b" + _KIDS + r"\b (?:\w+ ){0,4}?" + _WORKING + r" (?:\w+ ){0,6}?(?:gratis\b|hasta la"
        r" (?:medianoche|madrugada)|encerrad\w+|sin (?:ir|poder ir) a la escuela)",
        veto=_FAMILY_BUSINESS,
    ),
)


_RULES: tuple[_Rule, ...] = (
    _TRAFFICKING
    + _SEXUAL_EXPLOITATION
    + _TOURIST_EXPLOITATION
    + _ONLINE_GROOMING
    + _ABUSE
    + _NEGLECT
    + _WATCHING_AND_LURING
    + _CHILD_LABOUR
    + _SELF_HARM
    + _HELP_REQUEST
)


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
