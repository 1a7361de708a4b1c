"""What the simulated children send: a realistic mix of greetings, commands, menu button
presses, questions, small talk, the odd sticker, and about 5% disclosures.

Disclosures are spread evenly over the run (not drawn at random), so even a short run has
some and two runs with the same parameters have the same number. Every sentence in
DISCLOSURES must be escalated by safety triage; every other text here must not be (both
checked with `python -m bot triage`). A sentence that triage stops recognising shows up in
the results as a lost disclosure, on purpose.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

# Varied on purpose: category (trafficking, sexual exploitation, grooming, sextortion, abuse,
# self-harm, danger now, the safe word), who it happens to, urgency, length and register.
DISCLOSURES = (
    "un señor me da plata si le mando fotos",
    "me quitaron la cédula en el hotel y no me dejan salir",
    "mi padrastro me pega todos los días con la faja",
    "un muchacho que conocí en un juego me pide fotos sin ropa y dice que no le cuente a nadie",
    "ya no quiero vivir, esta noche me voy a hacer daño",
    "me ofrecieron trabajo en un crucero y ahora dicen que debo pagar el pasaje trabajando "
    "y no me dejan irme",
    "a mi amiga la obligan a estar con hombres a cambio de plata en Jacó",
    "AYUDA",
    "tengo miedo, un hombre me está siguiendo ahora mismo",
    "mi tío me toca y me dice que es un secreto",
    "un señor de instagram dice que si no le mando más fotos las va a publicar",
)
# Pressing the menu's "Necesito ayuda" button is escalated too: it counts as a disclosure.
HELP_BUTTON = "r:pedir_ayuda"

GREETINGS = ("hola", "buenas", "holi", "buenos días", "hola, ¿cómo está?", "upe")
QUESTIONS = (
    "¿Qué es la trata de personas?",
    "¿Quién es usted?",
    "¿Qué hace el PANI?",
    "¿Cómo me cuido en las redes sociales?",
    "¿Esto es anónimo?",
    "¿Para qué sirve este bot?",
    "¿Qué es el grooming?",
    "¿Qué significa explotación sexual?",
    "¿Cómo sé si una oferta de trabajo es falsa?",
    "¿Qué pasa con lo que le escribo?",
    "¿Quién ve mis mensajes?",
    "¿Es cierto que hay trata en Limón?",
)
CHAT = (
    "jaja",
    "gracias",
    "ok",
    "pura vida",
    "me gusta el fútbol",
    "estoy aburrida",
    "chao",
    "sí",
    "no",
    "tuanis",
    "qué tal",
    "hoy fui al cole",
    "me gusta dibujar",
    "mañana tengo examen de mate",
    "¿usted juega Free Fire?",
)
COMMANDS = ("/start", "/ayuda")

# Relative weights of what a child does when not disclosing.
WEIGHTS = {
    "greeting": 12,
    "command": 6,
    "menu_button": 14,
    "question": 28,
    "chat": 36,
    "sticker": 2,
    # Presses a button of a question the bot asked and is waiting for (the consent steps
    # after /start: age band, "I read it", the check question, yes or no), when one is open.
    "prompt_button": 60,
    # Answers a question about their own disclosure ("¿Entendí bien?", or declines contact),
    # when one is pending. Accepting contact is left out: the child's later messages would go
    # to an officer instead of the assistant, which is another scenario.
    "case_button": 40,
}


@dataclass(frozen=True)
class Action:
    """One thing a child does. `kind` is also the reporting category.

    text: the message text (text kinds) or the callback data (button kinds).
    disclosure: this action must open a case and produce an alert card.
    """

    kind: str  # start | greeting | command | menu_button | prompt_button | question | chat |
    #            sticker | case_button | disclosure
    text: str = ""
    disclosure: bool = False


class Mix:
    """Chooses each next action. One instance for the whole run: it keeps the share of
    disclosures exact across all children."""

    def __init__(self, rng: random.Random, disclosure_share: float = 0.05) -> None:
        self.rng = rng
        self.share = disclosure_share
        self.total = 0
        self.disclosures = 0
        self._pool: list[str] = []

    def next(
        self,
        first: bool,
        has_menu: bool,
        case_buttons: tuple[str, ...] = (),
        prompt_buttons: tuple[str, ...] = (),
    ) -> Action:
        """The next action of one child: `first` (they open the bot with /start),
        `has_menu` (a menu with buttons reached them), `case_buttons` (callback data of the
        buttons of their own last disclosure's questions that they may still press),
        `prompt_buttons` (those of the bot's open question, such as a consent step)."""
        self.total += 1
        if first:
            return Action("start", "/start")
        if self.disclosures < math.ceil(self.share * self.total):
            self.disclosures += 1
            return self._disclosure(has_menu)
        possible = {"case_button": case_buttons, "prompt_button": prompt_buttons}
        kinds = [k for k in WEIGHTS if possible.get(k, True) and (k != "menu_button" or has_menu)]
        kind = self.rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
        if kind in possible:
            return Action(kind, self.rng.choice(possible[kind]))
        if kind == "menu_button":
            return Action(kind, "")  # the child presses a non-help button of the last menu
        if kind == "sticker":
            return Action(kind)
        pool = {"greeting": GREETINGS, "command": COMMANDS, "question": QUESTIONS, "chat": CHAT}
        return Action(kind, self.rng.choice(pool[kind]))

    def _disclosure(self, has_menu: bool) -> Action:
        if not self._pool:  # every sentence once, in a shuffled order, then again
            self._pool = list(DISCLOSURES) + [HELP_BUTTON]
            self.rng.shuffle(self._pool)
        text = self._pool.pop()
        if text == HELP_BUTTON and not has_menu:
            text = self._pool.pop() if self._pool else DISCLOSURES[0]
        return Action("disclosure", text, disclosure=True)
