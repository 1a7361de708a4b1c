"""The engine's own flows: the child's answers about a disclosure, on buttons.

They belong to the safety path, so the engine registers them itself, before any feature:
  - `CaseAnswers` ("t:<answer>:<case>"): "¿Entendí bien?", "¿Quiere que una persona de
    protección le escriba aquí?", and ending that contact. Only the case's own child, and
    only while the case is open, changes anything.
  - `MiddleAnswers` ("q:<me|other|no>:<category>"): the middle question; a yes opens a case
    at once, as a disclosure would.
The cases themselves are erased by the engine (Cases.unlink, with its own messages).
"""

from __future__ import annotations

import logging

from bot.escalation import Cases
from bot.events import Reply
from bot.flows.flow import Flow, Turn
from bot.triage import CATEGORY_NAMES, Verdict, answers

logger = logging.getLogger(__name__)


class CaseAnswers(Flow):
    name = "case answers"
    buttons = answers.CASE_BUTTONS

    def __init__(self, cases: Cases) -> None:
        self.cases = cases

    async def press(self, turn: Turn) -> list[Reply] | None:
        fields = answers.CASE_BUTTONS.parse(turn.event.text)
        if fields is None:
            return None
        answer, case_id, user = fields[0], int(fields[1]), turn.user
        if answer in ("yes", "no"):
            accepted = self.cases.confirm(case_id, user, understood=answer == "yes")
            reply = answers.CONFIRMED if answer == "yes" else answers.CORRECTED
        elif answer == "contact" and turn.event.address is not None:
            accepted = self.cases.accept_contact(case_id, user, turn.event.address)
            reply = answers.CONTACT_ACCEPTED
        elif answer == "nocontact":
            accepted = self.cases.decline_contact(case_id, user)
            reply = answers.CONTACT_DECLINED
        elif answer == "stop":
            accepted = self.cases.end_contact(case_id, user)
            reply = answers.CONTACT_STOPPED
        else:
            accepted = False
        if not accepted:  # anyone else's press, or a press for a closed case
            return None
        turn.wake()  # the officer learns of the answer now
        if answer == "contact":
            return [Reply(reply, answers.stop_contact_button(case_id))]
        return [Reply(reply)]


class MiddleAnswers(Flow):
    name = "middle answers"
    buttons = answers.MIDDLE_BUTTONS

    async def press(self, turn: Turn) -> list[Reply] | None:
        """ "Sí" opens a case at once; "No" changes nothing. The question's message is not
        stored, so the officer's card says what the child answered instead."""
        fields = answers.MIDDLE_BUTTONS.parse(turn.event.text)
        if fields is None or fields[1] not in CATEGORY_NAMES:
            return None
        answer, category = fields
        if answer == "no":
            return [Reply(answers.MIDDLE_NO)]
        subject = "other" if answer == "other" and category != "help_request" else "self"
        excerpt = answers.MIDDLE_EXCERPT_OTHER if subject == "other" else answers.MIDDLE_EXCERPT
        return turn.escalate(Verdict(True, "high", category, subject), excerpt)
