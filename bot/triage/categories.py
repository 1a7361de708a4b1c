"""The kinds of harm triage tells apart, and its urgencies: the one registry that the rule
layer, the triage model, the evaluation, the officers' cards and the children's answers read.

A category has:
  - `label`: its id in the labelled data (triage/*.jsonl, eval/), the database, button data
    (`q:me:<label>`) and the logs;
  - `short`: its column head in the evaluation report's confusion matrix;
  - `intents`: the Rasa intents whose examples disclose it (nlu/revelacion*.yml); without a
    triage model they stand in for it, and the model learns their examples as disclosures;
  - `questions`: the FAQ intents that ask about this harm; their answer ends with "¿Le está
    pasando a usted o a alguien que conoce?", since a child may ask because it is happening;
  - `card`: the officers' name for it (staff catalog, translated when a card is shown);
  - `opening`: the child's first line after the disclosure, when the usual thanks would not
    fit (children's catalog).
The order of CATEGORIES is their severity, strongest first: when a message matches several,
the one most likely to need a specialised response (and the most severe legal frame) names
the case.

Adding a category is one entry here, plus its `revelar_*` intent (nlu/, domain/, stories/),
its catalog entries (`make i18n`) and labelled lines; tests/test_triage_categories.py holds
this registry to the data and the catalogs, and the README says how ("Adding a triage
category").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.i18n import N_, _

# Every category label, and "none" (not a disclosure). A type, so the rules and their
# patterns are checked against it; the test holds it to CATEGORIES.
CategoryLabel = Literal[
    "trafficking",
    "sexual_exploitation",
    "online_grooming",
    "abuse",
    "self_harm",
    "help_request",
    "none",
]
UrgencyLabel = Literal["emergency", "high", "none"]


@dataclass(frozen=True)
class Category:
    label: CategoryLabel
    short: str  # at most 6 characters: a column of the confusion matrix
    intents: tuple[str, ...]
    card: str
    questions: tuple[str, ...] = ()
    opening: str | None = None


@dataclass(frozen=True)
class Urgency:
    label: UrgencyLabel
    card: str  # the officers' card line (staff catalog)


# The generic plea ("ayuda", "tengo miedo"): no kind of harm named, so it is always about
# the writer, and it is what the safe word and the "Necesito ayuda" button report.
HELP_REQUEST: CategoryLabel = "help_request"

CATEGORIES: tuple[Category, ...] = (
    Category(
        "trafficking",
        "traff",
        ("revelar_trata",),
        N_("Trata de personas"),
        questions=("faq_retienen_documentos", "faq_senales_de_trata", "faq_trabajo_infantil"),
    ),
    Category(
        "sexual_exploitation",
        "sexex",
        ("revelar_explotacion_sexual",),
        N_("Explotación sexual"),
        questions=("faq_que_es_explotacion_sexual", "faq_regalos_de_adultos"),
    ),
    Category(
        "online_grooming",
        "groom",
        ("revelar_grooming",),
        N_("Acoso sexual en línea (grooming)"),
        questions=(
            "faq_que_es_sextorsion",
            "faq_amenaza_publicar_fotos",
            "faq_si_piden_fotos",
            "faq_senales_grooming",
            "faq_que_es_grooming",
            "faq_cita_con_alguien_de_internet",
        ),
    ),
    Category(
        "abuse",
        "abuse",
        ("revelar_abuso",),
        N_("Abuso o maltrato"),
        questions=("faq_secretos",),
    ),
    Category(
        "self_harm",
        "selfh",
        ("revelar_autolesion",),
        N_("Autolesión o riesgo de suicidio"),
    ),
    Category(
        HELP_REQUEST,
        "help",
        ("pedir_ayuda",),
        N_("Pide ayuda"),
        opening=_("Aquí estoy. 💛 Pedir ayuda está muy bien."),
    ),
)

# Most urgent first. An alert is an emergency when there is danger now (the rules' cue, or
# the model's urgency head); every other alert is high.
URGENCIES: tuple[Urgency, ...] = (
    Urgency("emergency", N_("🚨 EMERGENCIA")),
    Urgency("high", N_("⚠️ Alta")),
)

BY_LABEL: dict[str, Category] = {category.label: category for category in CATEGORIES}
# The labels, strongest first; SEVERITY is what the rules pick the case's category by.
SEVERITY: tuple[CategoryLabel, ...] = tuple(category.label for category in CATEGORIES)
LABELS: frozenset[str] = frozenset(SEVERITY)
# Rasa intent -> the category its examples disclose (every other intent's examples are
# non-disclosures: questions, chat, survey answers).
DISCLOSURE_INTENTS: dict[str, str] = {
    intent: category.label for category in CATEGORIES for intent in category.intents
}
# FAQ intent -> the category it asks about.
SENSITIVE_FAQ: dict[str, str] = {
    question: category.label for category in CATEGORIES for question in category.questions
}
