"""Who is harmed: the writer ("self"), somebody else ("other"), or nobody named ("none"), read
from the pronouns and people around each match.
"""

from __future__ import annotations

import re

from bot.triage.rules.hits import _Hit
from bot.triage.rules.verdict import Category, Subject
from bot.triage.rules.vocabulary import _AGENT, _PEER, _alt

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
# fmt: off
_YOUNG_PEER = _alt(
    r"amig[oa]s?", r"amiguit[oa]s?", r"herman[oa]s?", r"hermanit[oa]s?", r"prim[oa]s?",
    r"primit[oa]s?", r"compas?", r"compi", r"companer[oa]s?", r"vecinit[oa]s?", r"sobrin[oa]s?",
    r"hij[oa]s?", r"bebes?", r"carajill[oa]s?", r"chavalit[oa]s?", r"guilas?", r"guilit[oa]s?",
)
# fmt: on
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
