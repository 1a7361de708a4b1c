"""The help services a child is given, in words: picked from the referral directory
(bot.referrals, content/referrals.yml) for what the answer is about, the child's age, and,
when the child named a place in the message being answered, that region.

Where an answer gives help services it says so with the placeholder SERVICES
(`$servicios`) in its text: a Rasa response in domain/, a lesson message in content/. The
engine fills it (`Helplines.fill`) for the intent it answers, with the child's age band
(bot.engine) and the place named in that message, if any; the answers after a disclosure
(bot.triage.answers) get the same block for the category triage found. Only verified
services (a source and the day someone checked it) are ever picked: a wrong number given
to a child in danger is a harm. If none fits, the block says that AYUDA reaches a person.

Age: the band's assent wording (consent/bands.yml `texts`) says who the child is for the
directory's `serves` (AUDIENCE_OF_TEXTS). A child whose band is not known is given what the
youngest band is given: in doubt, the younger status applies (Código de la Niñez y la
Adolescencia, art. 2), and services for children include those for every age that fits
them.

Region: only the message being answered is read for a place (`region_in`), and only for
that answer. The place is never stored, logged or kept as state: a child who says
"vivo en Limón" gets Limón's services with this answer, and the next answer is national
again. A place read by mistake (limón the fruit) costs nothing: national services always
fit, a regional one is only added.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.i18n import _
from bot.referrals import NATIONAL, REGIONS, SERVICES, TOPICS, Directory, load_referrals
from bot.triage import categories

GENERAL = "general"

# consent/bands.yml `texts` -> who the child is, in the directory's `serves`.
AUDIENCE_OF_TEXTS = {"nino": "ninez", "adolescente": "adolescencia", "joven": "adultos"}

# Triage's categories (bot.triage.categories) -> the directory's topics.
TOPIC_OF_CATEGORY = {
    "trafficking": "trata",
    "sexual_exploitation": "explotacion_sexual",
    "online_grooming": "grooming",
    "abuse": "abuso",
    "self_harm": "autolesion",
    categories.HELP_REQUEST: GENERAL,
}
# Questions about trafficking that the categories' registry does not list (there, an FAQ
# question is one a child may ask because it happens to them).
TRAFFICKING_QUESTIONS = (
    "faq_que_es_trata",
    "faq_trata_vs_trafico",
    "faq_como_enganan_tratantes",
    "faq_oferta_trabajo_falsa",
    "faq_trabajo_extranjero",
    "faq_ley_trata",
)

# The programme's places (REGIONS) as a child writes them, accents and case aside. "La Cruz"
# is not "la Cruz Roja".
PLACES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bsan jose\b"), "san-jose"),
    (re.compile(r"\bjaco\b"), "jaco"),
    (re.compile(r"\bparrita\b"), "parrita"),
    (re.compile(r"\bquepos\b"), "quepos"),
    (re.compile(r"\blimon\b"), "limon"),
    (re.compile(r"\bneily\b"), "neily"),
    (re.compile(r"\bla cruz\b(?! roja)"), "la-cruz"),
)

NONE_FITS = _("Aquí puede escribir AYUDA cuando quiera. Así una persona de protección lo sabe.")


def topic_of_intent(intent: str) -> str:
    """The directory topic an answer to `intent` is about: a disclosure's or a sensitive
    question's category, trafficking for the questions about it, else general."""
    if intent in TRAFFICKING_QUESTIONS:
        return "trata"
    label = categories.DISCLOSURE_INTENTS.get(intent) or categories.SENSITIVE_FAQ.get(intent)
    return TOPIC_OF_CATEGORY.get(label or "", GENERAL)


def topic_of_category(label: str) -> str:
    return TOPIC_OF_CATEGORY.get(label, GENERAL)


def _folded(text: str) -> str:
    """Lower case, no accents, words apart: how PLACES are looked for."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9ñ]+", " ", plain).split())


def region_in(text: str) -> str | None:
    """The programme's place the child names in `text`, if exactly one; None otherwise (a
    child who names two places is given national services, not a guess)."""
    folded = _folded(text)
    found = {region for pattern, region in PLACES if pattern.search(folded)}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class Helplines:
    """The directory's verified services, in the words a child reads."""

    directory: Directory

    @classmethod
    def load(cls) -> Helplines:
        return cls(load_referrals())

    def block(
        self, topic: str = GENERAL, audience: str | None = None, region: str | None = None
    ) -> str:
        """One line a service, for `topic`, the child's `audience` (None: the youngest's,
        `AUDIENCE_OF_TEXTS["nino"]`) and the `region` the child named; NONE_FITS if no
        verified service fits."""
        if topic not in TOPICS:
            raise ValueError(f"unknown referral topic {topic!r}; use one of {TOPICS}")
        if region is not None and region not in REGIONS:
            raise ValueError(f"unknown region {region!r}; use one of {REGIONS}")
        who = audience or AUDIENCE_OF_TEXTS["nino"]
        services = self.directory.pick(topic, who, None if region == NATIONAL else region)
        if not services:
            return NONE_FITS
        return "\n".join(service.line_for_child() for service in services)

    def fill(
        self, text: str, topic: str = GENERAL, audience: str | None = None, said: str = ""
    ) -> str:
        """`text` with SERVICES replaced by the block for `topic`, `audience` and the place
        named in `said` (the child's message being answered); any other text unchanged."""
        if SERVICES not in text:
            return text
        return text.replace(SERVICES, self.block(topic, audience, region_in(said)))
