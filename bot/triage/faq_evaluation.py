"""Measure the FAQ through the real engine: does an information question get the answer
on its topic, and does it stay out of the officers' queue?

A labelled FAQ set is YAML (a list of {text, intent}, as tests/data/faq_heldout.yml and
eval/blind/faq-NN.yml) or JSON lines of the same objects. `evaluate_faq` sends each question
to a fresh person in the engine, as a child's first message, and counts:
  - on topic: the FAQ's own answer is among the replies (any of its variations: a child
    whose band is not known reads the youngest band's words; help services filled in);
  - understood: the Rasa intent is the labelled one;
  - cases opened: an information question that alerted an officer (a false alarm);
  - asked: it got the middle question "¿Le está pasando a usted...?" (no alert).
The command `python -m bot faq --evaluate FILE` prints the report. No text is logged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.triage.evaluation import LabelError


@dataclass
class FaqReport:
    total: int = 0
    on_topic: int = 0
    understood: int = 0
    cases_opened: int = 0
    asked: int = 0
    off_topic: list[tuple[str, str, str]] = field(default_factory=list)  # text, want, got
    opened: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "on_topic": self.on_topic,
            "understood": self.understood,
            "cases_opened": self.cases_opened,
            "asked": self.asked,
        }


def load_questions(path: Path) -> list[dict[str, str]]:
    """The labelled questions of a YAML or JSON lines file, checked."""
    import yaml

    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as error:
                    raise LabelError(f"{path.name}:{number}: not valid JSON ({error})") from None
    else:
        rows = yaml.safe_load(text) or []
    if not isinstance(rows, list):
        raise LabelError(f"{path.name}: expected a list of {{text, intent}}")
    for number, row in enumerate(rows, start=1):
        if not (
            isinstance(row, dict)
            and isinstance(row.get("text"), str)
            and isinstance(row.get("intent"), str)
        ):
            raise LabelError(f'{path.name}: item {number} needs a "text" and an "intent"')
    return rows


async def evaluate_faq(engine: Any, assistant: Any, rows: Sequence[dict[str, str]]) -> FaqReport:
    """Run each question through `engine` (bot.engine.Engine over a scratch database)."""
    from bot.events import Inbound, Kind
    from bot.triage import answers

    responses = faq_responses()
    report = FaqReport()
    for index, row in enumerate(rows):
        user = f"faqeval{index:025d}"
        parse = await assistant.parse(row["text"])
        replies = await engine.handle(Inbound(user, Kind.TEXT, row["text"]))
        texts = [reply.text for reply in replies]
        report.total += 1
        report.understood += parse.intent == row["intent"]
        if any(is_answer(responses.get(row["intent"], ()), text) for text in texts):
            report.on_topic += 1
        else:
            report.off_topic.append((row["text"], row["intent"], parse.intent))
        if any(reply.buttons and reply.buttons[0][0].data.startswith("t:") for reply in replies):
            report.cases_opened += 1
            report.opened.append(row["text"])
        report.asked += answers.MIDDLE in texts
    return report


def faq_responses() -> dict[str, tuple[str, ...]]:
    """intent → the texts of its FAQ answer (every variation, the default first), from
    domain/faq.yml: the file the model's domain is trained from, under the same content
    hash. A text may hold the help services' placeholder (bot.referrals.SERVICES)."""
    import yaml

    from bot.settings import ROOT

    domain = yaml.safe_load((ROOT / "domain" / "faq.yml").read_text(encoding="utf-8"))
    return {
        name.removeprefix("utter_"): tuple(variant["text"] for variant in variants)
        for name, variants in domain["responses"].items()
    }


def is_answer(variations: Sequence[str], text: str) -> bool:
    """Whether `text` is one of the `variations`, its help services filled in."""
    from bot.referrals import SERVICES

    for variation in variations:
        pieces = [re.escape(piece) for piece in variation.split(SERVICES)]
        if re.fullmatch("(?s:.+?)".join(pieces), text):
            return True
    return False


def format_faq_report(report: FaqReport, title: str = "") -> str:
    def share(part: int) -> str:
        return f"{part / report.total:.3f} ({part}/{report.total})" if report.total else "-"

    lines = [
        f"FAQ evaluation{': ' + title if title else ''}",
        f"  answered on topic   {share(report.on_topic)}",
        f"  intent understood   {share(report.understood)}",
        f"  opened a case       {share(report.cases_opened)}",
        f"  asked the middle q. {share(report.asked)}",
        "",
        f"Off topic ({len(report.off_topic)}):",
        *(f"  [{want} -> {got}] {text}" for text, want, got in report.off_topic),
        "",
        f"Opened a case ({len(report.opened)}):",
        *(f"  {text}" for text in report.opened),
    ]
    return "\n".join(lines)


__all__ = ["FaqReport", "evaluate_faq", "faq_responses", "format_faq_report", "load_questions"]
