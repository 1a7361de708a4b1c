"""`python -m bot triage` prints, for each line, the four labels of eval/README.md and
`ask`: the middle question the triage gives instead of an alert (bot.triage.Verdict)."""

from __future__ import annotations

import io
import json

from bot.cli.triage import triage_lines
from tests.fakes.assistant import FakeAssistant

SENSITIVE_QUESTION = "¿Qué es la explotación sexual?"


async def triaged(*texts: str) -> list[dict[str, object]]:
    assistant = FakeAssistant({SENSITIVE_QUESTION: "faq_que_es_explotacion_sexual"})
    lines = io.StringIO("".join(json.dumps({"text": text}) + "\n" for text in texts))
    out = io.StringIO()
    assert await triage_lines(assistant, lines, out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_each_line_says_whether_the_middle_question_is_asked():
    chat, question, disclosure = await triaged(
        "hola, ¿cómo estás?", SENSITIVE_QUESTION, "mi papá me pega todos los días"
    )
    assert chat == {
        "text": "hola, ¿cómo estás?",
        "escalate": False,
        "urgency": "none",
        "category": "none",
        "subject": "none",
        "ask": False,
    }
    # A question about a kind of harm: no alert, but the middle question.
    assert (question["escalate"], question["ask"]) == (False, True)
    # An alert is not a middle question.
    assert (disclosure["escalate"], disclosure["ask"]) == (True, False)
