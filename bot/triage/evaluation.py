"""Measure triage verdicts against a labelled set (the JSON lines format of eval/README.md).

Pure: no Rasa, no I/O. `evaluate(rows, verdicts)` compares each labelled row with the
verdict given for its text and returns a `Report`; `format_report` renders it for a terminal.
The command `python -m bot triage --evaluate FILE` runs the real triage over a file and
prints the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from bot.triage import Verdict, categories
from bot.triage.rules import Subject

# The labels of bot.triage.categories, strongest first, then "none".
CATEGORIES: tuple[str, ...] = (*categories.SEVERITY, "none")
URGENCIES: tuple[str, ...] = (*(urgency.label for urgency in categories.URGENCIES), "none")
SUBJECTS: tuple[str, ...] = get_args(Subject)


class LabelError(ValueError):
    """A labelled row that does not follow the format of eval/README.md."""


@dataclass(frozen=True)
class Outcome:
    """One labelled row next to the verdict it got."""

    text: str
    expected: Mapping[str, Any]
    got: Mapping[str, Any]


@dataclass(frozen=True)
class Report:
    total: int
    positives: int
    negatives: int
    escalated_positives: int
    false_alarms: int
    emergencies: int
    emergencies_escalated: int
    emergencies_flagged: int
    # Disclosures labelled "high" that the triage called an emergency.
    high_flagged_emergency: int
    # Among escalated disclosures: how many got the labelled category / subject.
    category_agreement: int
    subject_agreement: int
    # confusion[expected][predicted]; a verdict that does not escalate predicts "none".
    confusion: dict[str, dict[str, int]]
    misses: list[Outcome] = field(default_factory=list)
    false_alarm_rows: list[Outcome] = field(default_factory=list)
    missed_emergencies: list[Outcome] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.escalated_positives / self.positives if self.positives else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "positives": self.positives,
            "negatives": self.negatives,
            "recall": self.recall,
            "false_alarm_rate": self.false_alarm_rate,
            "escalated_positives": self.escalated_positives,
            "false_alarms": self.false_alarms,
            "emergencies": self.emergencies,
            "emergencies_escalated": self.emergencies_escalated,
            "emergencies_flagged": self.emergencies_flagged,
            "high_flagged_emergency": self.high_flagged_emergency,
            "category_agreement": self.category_agreement,
            "subject_agreement": self.subject_agreement,
            "confusion": self.confusion,
        }


def _as_mapping(verdict: Verdict | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(verdict, Verdict):
        return verdict.as_dict()
    return verdict


def check_row(row: Mapping[str, Any], where: str = "row") -> None:
    """Raise LabelError unless the row follows the label format and its consistency rules."""
    if not isinstance(row.get("text"), str):
        raise LabelError(f'{where}: "text" must be a string')
    if not isinstance(row.get("escalate"), bool):
        raise LabelError(f'{where}: "escalate" must be true or false')
    for key, allowed in (
        ("urgency", URGENCIES),
        ("category", CATEGORIES),
        ("subject", SUBJECTS),
    ):
        if row.get(key) not in allowed:
            raise LabelError(f'{where}: "{key}" must be one of {", ".join(allowed)}')
    labels = (row["urgency"], row["category"], row["subject"])
    if row["escalate"] and "none" in labels:
        raise LabelError(f'{where}: an escalate=true row cannot have "none" labels')
    if not row["escalate"] and labels != ("none", "none", "none"):
        raise LabelError(f'{where}: an escalate=false row must have "none" labels')


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The labelled rows of a JSON lines file, checked; blank lines are skipped."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            row = json.loads(line)
        except ValueError as error:
            raise LabelError(f"{where}: not valid JSON ({error})") from None
        if not isinstance(row, dict):
            raise LabelError(f"{where}: expected a JSON object")
        check_row(row, where)
        rows.append(row)
    return rows


def evaluate(
    rows: Sequence[Mapping[str, Any]],
    verdicts: Iterable[Verdict | Mapping[str, Any]],
) -> Report:
    """Compare labelled rows with the verdicts given for them, in the same order."""
    got_all = [_as_mapping(v) for v in verdicts]
    if len(got_all) != len(rows):
        raise ValueError(f"{len(rows)} rows but {len(got_all)} verdicts")
    confusion = {e: {p: 0 for p in CATEGORIES} for e in CATEGORIES}
    positives = negatives = escalated_positives = false_alarms = 0
    emergencies = emergencies_escalated = emergencies_flagged = high_flagged_emergency = 0
    category_agreement = subject_agreement = 0
    misses: list[Outcome] = []
    false_alarm_rows: list[Outcome] = []
    missed_emergencies: list[Outcome] = []
    for index, (row, got) in enumerate(zip(rows, got_all, strict=True)):
        check_row(row, f"row {index}")
        outcome = Outcome(row["text"], row, got)
        escalated = bool(got.get("escalate"))
        predicted = got.get("category", "none") if escalated else "none"
        if predicted not in CATEGORIES:
            predicted = "none"
        confusion[row["category"]][predicted] += 1
        if row["escalate"]:
            positives += 1
            if escalated:
                escalated_positives += 1
                category_agreement += predicted == row["category"]
                subject_agreement += got.get("subject") == row["subject"]
            else:
                misses.append(outcome)
            if row["urgency"] == "emergency":
                emergencies += 1
                if escalated:
                    emergencies_escalated += 1
                    if got.get("urgency") == "emergency":
                        emergencies_flagged += 1
                    else:
                        missed_emergencies.append(outcome)
                else:
                    missed_emergencies.append(outcome)
            elif escalated and got.get("urgency") == "emergency":
                high_flagged_emergency += 1
        else:
            negatives += 1
            if escalated:
                false_alarms += 1
                false_alarm_rows.append(outcome)
    return Report(
        total=len(rows),
        positives=positives,
        negatives=negatives,
        escalated_positives=escalated_positives,
        false_alarms=false_alarms,
        emergencies=emergencies,
        emergencies_escalated=emergencies_escalated,
        emergencies_flagged=emergencies_flagged,
        high_flagged_emergency=high_flagged_emergency,
        category_agreement=category_agreement,
        subject_agreement=subject_agreement,
        confusion=confusion,
        misses=misses,
        false_alarm_rows=false_alarm_rows,
        missed_emergencies=missed_emergencies,
    )


_SHORT: dict[str, str] = {
    **{category.label: category.short for category in categories.CATEGORIES},
    "none": "none",
}


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else f"- ({part}/{whole})"


def format_report(report: Report, title: str = "") -> str:
    """A readable, plain-text report: headline figures, confusion matrix, error lists."""
    lines = [f"Triage evaluation{': ' + title if title else ''}"]
    lines.append(
        f"  {report.total} rows: {report.positives} disclosures, {report.negatives} non-disclosures"
    )
    high = report.positives - report.emergencies
    figures = (
        ("recall of escalate", report.escalated_positives, report.positives),
        ("false alarms", report.false_alarms, report.negatives),
        ("emergencies escalated", report.emergencies_escalated, report.emergencies),
        ("emergencies flagged emergency", report.emergencies_flagged, report.emergencies),
        ("high flagged as emergency", report.high_flagged_emergency, high),
        ("category right (escalated)", report.category_agreement, report.escalated_positives),
        ("subject right (escalated)", report.subject_agreement, report.escalated_positives),
    )
    for label, part, whole in figures:
        lines.append(f"  {label.ljust(31)}{_share(part, whole)}")
    lines.append("")
    lines.append("Category confusion (rows expected, columns predicted):")
    header = "  " + "expected".ljust(20) + "".join(_SHORT[c].rjust(7) for c in CATEGORIES)
    lines.append(header)
    for expected in CATEGORIES:
        counts = report.confusion[expected]
        if not any(counts.values()):
            continue
        cells = "".join(str(counts[c]).rjust(7) for c in CATEGORIES)
        lines.append("  " + expected.ljust(20) + cells)

    def listing(name: str, outcomes: list[Outcome]) -> None:
        lines.append("")
        lines.append(f"{name} ({len(outcomes)}):")
        for o in outcomes:
            expected = f"{o.expected['category']}/{o.expected['urgency']}"
            got = (
                f"{o.got.get('category')}/{o.got.get('urgency')}" if o.got.get("escalate") else "-"
            )
            lines.append(f"  [{expected} -> {got}] {o.text}")

    listing("Missed disclosures", report.misses)
    listing("False alarms", report.false_alarm_rows)
    listing("Emergencies not flagged as emergency", report.missed_emergencies)
    return "\n".join(lines)


__all__ = [
    "LabelError",
    "Outcome",
    "Report",
    "check_row",
    "evaluate",
    "format_report",
    "load_rows",
]
