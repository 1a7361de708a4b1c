"""Results of a campaign that are safe to publish: tables per question by age band and in
total, as text, CSV, JSON and PNG charts (`python -m bot results <id>`).

What is published is always the latest release (bot.campaigns.releases), never the live
counters, and every published count is perturbed by its cell key
(bot.campaigns.perturbation), after suppression, totals included: `published` is the one
way in for a reader. `tabulate` without keys gives the exact suppressed tables, for tests
of suppression.

Every figure of a campaign comes from its AnswerCounter rows (bot.campaigns.tables):
for each question a table whose rows are the options (SKIP, "Prefiero no responder",
last) and "Respuestas" (n, the respondents), whose columns are the age bands and "Total";
and one row of completions. What leaves `tabulate` is already suppressed: a hidden cell
holds no number at all, so no renderer can leak one.

Small-cell suppression is bot.campaigns.suppression's: which figures to hide, given the
sums a reader can redo (`_equations` here lists them for a campaign).

Options or bands found in the counters but not in the campaign file get rows and columns
of their own: dropping them would publish them as n minus the rest.

Every hidden cell, primary or complementary, is shown the same way, "<10", with a note
that it may also be a figure hidden to protect another: marking the complementary ones
apart would let a reader tell which one is small (a Total of 11 over two hidden cells
would give away 1 and 10). What is prevented is exact recomputation, not narrowing: a
reader who knows this code can still bound a hidden cell (with a Total of 11 over two
hidden cells, the pair is 1 and 10, in an order the reader cannot tell).

Suppression is decided on the true counts; then every shown count, totals included, is
replaced by its perturbed value (a 0 stays 0; a count of 10 or more is never shown under
10). Perturbed tables do not add up exactly, by design.

Percentages (share of the column's n) are shown only for a published count in a column
whose n is published and at least 30; both are the published (perturbed) figures.

Text output (the table, the charts) is for people: its words are in the staff catalog
(STAFF_LANGUAGE) and its numbers and dates are formatted by Babel for the staff locale
(es_CR by default). CSV and JSON are data: their labels and note stay the Spanish source
text, whatever the language.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from sqlalchemy import select

from bot.campaigns import releases
from bot.campaigns.model import SKIP, Campaign, Question
from bot.campaigns.perturbation import LARGEST_CHANGE, cell_key, perturb
from bot.campaigns.releases import ReleaseInfo
from bot.campaigns.suppression import SMALLEST_SHOWN, Equation, Key, suppress
from bot.campaigns.tables import ANY, AnswerCounter
from bot.i18n import N_, _s, staff_locale

if TYPE_CHECKING:
    from datetime import datetime

    from bot.storage import Database

HIDDEN = "<10"
MIN_N_FOR_PERCENT = 30
# Labels and the note are data in CSV and JSON (the Spanish, as here); the table and the
# charts translate them for the staff language when they are drawn.
TOTAL = N_("Total")
RESPONSES = N_("Respuestas")
SKIP_LABEL = N_("Prefiero no responder")
COMPLETIONS = N_("Completaron la consulta")
LABELS = frozenset({TOTAL, RESPONSES, SKIP_LABEL, COMPLETIONS})
PARTITIONS = frozenset({"single", "scale", "yes_no"})  # options add up to n
NOTE_TEMPLATE = N_(
    "{hidden}: menos de 10 personas, o una cifra oculta para que otra no se pueda calcular "
    "por resta. Porcentajes solo donde hay {n} respuestas o más."
)
NOTE = NOTE_TEMPLATE.format(hidden=HIDDEN, n=MIN_N_FOR_PERCENT)
METHOD_TEMPLATE = N_(
    "Cada cifra lleva un pequeño cambio al azar, de {most} como mucho, que es siempre el mismo "
    "mientras no cambien las personas que cuenta; por eso las filas y columnas pueden no sumar "
    "exactamente su total. Así, comparar dos publicaciones no deja ver lo que respondió una "
    "persona."
)
METHOD = METHOD_TEMPLATE.format(most=LARGEST_CHANGE)
RELEASE = N_("Publicación n.º {number}, del {day}.")
FINAL = N_("Es la última publicación: la consulta cerró.")
NEXT = N_(
    "La próxima publicación se hará cuando haya {every} respuestas nuevas, o cuando la "
    "consulta cierre ({closes})."
)
PENDING = N_(
    "Todavía sin cifras: {bands}. Una franja de edad aparece cuando tiene al menos 10 respuestas."
)
NONE_YET = N_(
    "Todavía no hay resultados publicados de {campaign}. La primera publicación se hará "
    "cuando haya {every} respuestas, o cuando la consulta cierre ({closes}), si para entonces "
    "alguna franja de edad tiene al menos 10."
)
DATES = N_("Del {opens} al {closes}")
PEOPLE = N_("Personas (total)")

Counts = Mapping[tuple[str, str, str], int]  # (question, option, band) -> count


# -- reading -------------------------------------------------------------------------------


def read_counts(database: Database, campaign_id: str) -> dict[tuple[str, str, str], int]:
    """The campaign's counters keyed (question, option, band), "*" rows included."""
    query = select(
        AnswerCounter.question, AnswerCounter.option, AnswerCounter.band, AnswerCounter.count
    ).where(AnswerCounter.campaign == campaign_id)
    with database.session() as session:
        return {
            (question, option, band): count
            for question, option, band, count in session.execute(query)
        }


# -- what is published ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    count: int | None  # None: hidden
    percent: float | None = None  # share of the column's n, 0..1; only if n >= 30

    @property
    def hidden(self) -> bool:
        return self.count is None

    @property
    def shown(self) -> int | str:
        return HIDDEN if self.count is None else self.count


@dataclass(frozen=True)
class Row:
    id: str  # option id, or "*" for the respondents (n) and the completions
    label: str
    cells: tuple[Cell, ...]  # one per column of the table


@dataclass(frozen=True)
class Table:
    question: str  # question id
    type: str
    text: str  # the question's default wording
    rows: tuple[Row, ...]  # the options, SKIP last
    respondents: Row  # "Respuestas": n per column


@dataclass(frozen=True)
class Results:
    campaign: str
    title: str
    opens: date
    closes: date
    columns: tuple[str, ...]  # the bands, youngest first, then "Total"
    completions: Row
    tables: tuple[Table, ...]
    release: ReleaseInfo | None = None  # None: exact tables, never published
    perturbed: bool = False
    pending: tuple[str, ...] = ()  # audience bands with no released figures yet


# -- tabulating ----------------------------------------------------------------------------


def _band_order(band: str) -> tuple[int, str]:
    low = band.split("-")[0]
    return (int(low) if low.isdigit() else 10**6, band)


def _row_ids(question: Question, counts: Counts) -> list[str]:
    """The question's options in order, then any option only the counters know (so that a
    partition still adds up: dropping one would publish it as n minus the rest), SKIP last."""
    known = [option.id for option in question.options if option.id != SKIP]
    extra = sorted({o for q, o, _ in counts if q == question.id and o not in (ANY, SKIP, *known)})
    return [*known, *extra, SKIP]


def _row_label(question: Question, option_id: str) -> str:
    option = question.option(option_id)
    if option is not None:
        return option.text.default
    return SKIP_LABEL if option_id == SKIP else option_id


def _figures(campaign: Campaign, counts: Counts, bands: list[str]) -> dict[Key, int]:
    """Every figure that would be published, unsuppressed: counters plus the Total column.
    With `counts` holding cell keys instead, the cell key of every figure (the Total's is
    the sum of the bands' keys, modulo 256: the same people)."""
    values: dict[Key, int] = {}
    rows = [(ANY, ANY)] + [
        (q.id, o) for q in campaign.questions for o in [*_row_ids(q, counts), ANY]
    ]
    for table, row in rows:
        for band in bands:
            values[(table, row, band)] = counts.get((table, row, band), 0)
        values[(table, row, TOTAL)] = sum(values[(table, row, band)] for band in bands)
    return values


def _cell_keys(
    campaign: Campaign, counts: Counts, keys: Counts, bands: list[str]
) -> dict[Key, int]:
    summed = _figures(campaign, {k: keys.get(k, 0) for k in counts}, bands)
    return {figure: cell_key([key]) for figure, key in summed.items()}


def _equations(
    campaign: Campaign, counts: Counts, bands: list[str], values: dict[Key, int]
) -> list[Equation]:
    """The sums a reader can redo (see the module docstring)."""
    columns = [*bands, TOTAL]
    equations = [Equation(tuple((ANY, ANY, b) for b in bands), (ANY, ANY, TOTAL))]
    for question in campaign.questions:
        q, rows = question.id, _row_ids(question, counts)
        for row in [*rows, ANY]:
            equations.append(Equation(tuple((q, row, b) for b in bands), (q, row, TOTAL)))
        if question.type in PARTITIONS:
            for c in columns:
                equations.append(Equation(tuple((q, r, c) for r in rows), (q, ANY, c)))
    # Equal counts of people of one band (respondents, completions): the same people.
    people: dict[tuple[str, int], list[Key]] = defaultdict(list)
    for key in [(ANY, ANY, c) for c in columns] + [
        (q.id, ANY, c) for q in campaign.questions for c in columns
    ]:
        people[(key[2], values[key])].append(key)
    for same in people.values():
        equations += [Equation((a,), b) for a, b in pairwise(same)]
    # A question shown only after some answers: as many respondents as those answers had.
    for question in campaign.questions:
        condition = question.show_if
        parent = condition and campaign.question(condition.question)
        if not condition or not parent:
            continue
        if parent.type not in PARTITIONS and len(condition.answers) > 1:
            continue  # several answers of a multiple choice may overlap: no sum to redo
        answers = sorted(condition.answers & set(_row_ids(parent, counts)))
        for c in columns:
            members = tuple((parent.id, a, c) for a in answers)
            if members and sum(values[m] for m in members) == values[(question.id, ANY, c)]:
                equations.append(Equation(members, (question.id, ANY, c)))
    return equations


def tabulate(
    campaign: Campaign,
    counts: Counts,
    keys: Counts | None = None,
    release: ReleaseInfo | None = None,
) -> Results:
    """The campaign's tables: suppressed, with percentages where n >= 30; with `keys`
    (the counters' cell keys), every shown figure perturbed, as it is published. A release
    has columns only for the bands it has figures for; the others are `pending`."""
    found = {band for *_, band in counts}
    bands = sorted(found if release else set(campaign.audience) | found, key=_band_order)
    pending = tuple(sorted(set(campaign.audience) - set(bands), key=_band_order))
    columns = (*bands, TOTAL)
    values = _figures(campaign, counts, bands)
    hidden = suppress(values, _equations(campaign, counts, bands, values))
    shown = values
    if keys is not None:
        cells = _cell_keys(campaign, counts, keys, bands)
        shown = {figure: perturb(value, cells[figure]) for figure, value in values.items()}

    def row(question: str, option: str, label: str, percent: bool) -> Row:
        cells = []
        for column in columns:
            key, n_key = (question, option, column), (question, ANY, column)
            if key in hidden:
                cells.append(Cell(None))
                continue
            n = shown[n_key]
            share = percent and n_key not in hidden and n >= MIN_N_FOR_PERCENT
            cells.append(Cell(shown[key], shown[key] / n if share else None))
        return Row(option, label, tuple(cells))

    tables = tuple(
        Table(
            question.id,
            question.type,
            question.text.default,
            tuple(
                row(question.id, o, _row_label(question, o), percent=True)
                for o in _row_ids(question, counts)
            ),
            row(question.id, ANY, RESPONSES, percent=False),
        )
        for question in campaign.questions
    )
    return Results(
        campaign.id,
        campaign.title,
        campaign.opens,
        campaign.closes,
        columns,
        row(ANY, ANY, COMPLETIONS, percent=False),
        tables,
        release,
        keys is not None,
        pending,
    )


def published(
    database: Database, campaign: Campaign, now: datetime, closed: bool
) -> Results | None:
    """What a reader may see: the latest release, perturbed; None before the first. A
    release that became due (the campaign closed, say) is taken first; a campaign past its
    last day no longer needs its participation tokens, and they go."""
    releases.take_due(database, campaign, now, closed=closed)
    releases.forget_participants(database, campaign, now)
    snapshot = releases.latest(database, campaign)
    if snapshot is None:
        return None
    return tabulate(campaign, snapshot.counts, snapshot.keys, snapshot.info)


# -- rendering -----------------------------------------------------------------------------


def _text_cell(cell: Cell, locale: str) -> str:
    if cell.count is None:
        return HIDDEN
    text = format_decimal(cell.count, locale=locale)
    if cell.percent is not None:
        text += f" ({format_percent(cell.percent, locale=locale)})"
    return text


def _width(text: str) -> int:
    """Columns a terminal gives the text: wide characters, such as emoji, take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _shown(label: str, row_id: str | None = None) -> str:
    """A column or row label as a person reads it: this module's own labels translated,
    an option's wording (campaign data) as written."""
    if label in LABELS and row_id in (None, ANY, SKIP):
        return _s(label)
    return label


def _grid(columns: tuple[str, ...], rows: list[Row], locale: str) -> list[str]:
    grid = [["", *(_shown(c) for c in columns)]]
    grid += [[_shown(r.label, r.id), *(_text_cell(c, locale) for c in r.cells)] for r in rows]
    widths = [max(_width(line[i]) for line in grid) for i in range(len(grid[0]))]
    return [
        "  ".join(
            [line[0] + " " * (widths[0] - _width(line[0]))]
            + [" " * (w - _width(v)) + v for v, w in zip(line[1:], widths[1:], strict=True)]
        ).rstrip()
        for line in grid
    ]


def release_lines(results: Results, closed: bool, locale: str | None = None) -> list[str]:
    """Which release this is, when the next one is due, and the bands with no figures yet
    (staff language); nothing for exact tables."""
    release = results.release
    if release is None:
        return []
    locale = locale or staff_locale()
    day = format_date(release.taken_at.date(), "long", locale=locale)
    lines = [_s(RELEASE).format(number=format_decimal(release.number, locale=locale), day=day)]
    if release.final or closed:
        lines.append(_s(FINAL))
    else:
        closes = format_date(release.closes, "long", locale=locale)
        every = format_decimal(release.release_every, locale=locale)
        lines.append(_s(NEXT).format(every=every, closes=closes))
    if results.pending:
        lines.append(_s(PENDING).format(bands=", ".join(results.pending)))
    return lines


def none_yet(campaign: Campaign, locale: str | None = None) -> str:
    """Said instead of results before the first release (staff language)."""
    locale = locale or staff_locale()
    return _s(NONE_YET).format(
        campaign=campaign.id,
        every=format_decimal(campaign.release_every, locale=locale),
        closes=format_date(campaign.closes, "long", locale=locale),
    )


def as_table(results: Results, locale: str | None = None, closed: bool = False) -> str:
    """Plain text, aligned, in the staff language; numbers and dates in the locale's
    format (default: the staff locale, es_CR unless STAFF_LANGUAGE says otherwise)."""
    locale = locale or staff_locale()
    opens = format_date(results.opens, "long", locale=locale)
    closes = format_date(results.closes, "long", locale=locale)
    dates = _s(DATES).format(opens=opens, closes=closes)
    lines = [f"{results.title} ({results.campaign})", dates]
    lines += release_lines(results, closed, locale)
    lines += [""]
    lines += _grid(results.columns, [results.completions], locale)
    for table in results.tables:
        lines += ["", f"{table.question}: {table.text}"]
        lines += _grid(results.columns, [*table.rows, table.respondents], locale)
    lines += [
        "",
        _s(NOTE_TEMPLATE).format(hidden=HIDDEN, n=format_decimal(MIN_N_FOR_PERCENT, locale=locale)),
    ]
    if results.perturbed:
        lines.append(_s(METHOD_TEMPLATE).format(most=format_decimal(LARGEST_CHANGE, locale=locale)))
    return "\n".join(lines) + "\n"


def _rows(results: Results) -> Iterable[tuple[str, str, Row]]:
    yield ANY, "", results.completions
    for table in results.tables:
        for row in (*table.rows, table.respondents):
            yield table.question, table.text, row


def _percent(cell: Cell) -> float | None:
    return None if cell.percent is None else round(100 * cell.percent, 1)


def as_csv(results: Results) -> str:
    """One line per published cell (long format); hidden counts are "<10", percent 0-100;
    `release` is the release's number (empty for exact tables, which are never published)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "campaign",
            "release",
            "question",
            "question_text",
            "option",
            "label",
            "band",
            "count",
            "percent",
        ]
    )
    release = "" if results.release is None else results.release.number
    for question, text, row in _rows(results):
        for column, cell in zip(results.columns, row.cells, strict=True):
            percent = _percent(cell)
            writer.writerow(
                [
                    results.campaign,
                    release,
                    question,
                    text,
                    row.id,
                    row.label,
                    column,
                    cell.shown,
                    "" if percent is None else percent,
                ]
            )
    return out.getvalue()


def as_json(results: Results) -> str:
    """Hidden counts are the string "<10", never a number; percent is 0-100 or absent."""

    def counts(row: Row) -> dict[str, int | str]:
        return {c: cell.shown for c, cell in zip(results.columns, row.cells, strict=True)}

    def option(row: Row) -> dict[str, object]:
        cells = zip(results.columns, row.cells, strict=True)
        percent = {c: _percent(cell) for c, cell in cells if cell.percent is not None}
        return {"id": row.id, "label": row.label, "counts": counts(row), "percent": percent}

    document = {
        "campaign": results.campaign,
        "title": results.title,
        "opens": results.opens.isoformat(),
        "closes": results.closes.isoformat(),
        "columns": list(results.columns),
        "release": None
        if results.release is None
        else {
            "number": results.release.number,
            "taken_at": results.release.taken_at.isoformat(timespec="seconds"),
            "final": results.release.final,
            "next_after_completions": results.release.release_every,
            "pending_bands": list(results.pending),
        },
        "hidden": HIDDEN,
        "note": NOTE,
        "method": METHOD if results.perturbed else None,
        "completions": counts(results.completions),
        "questions": [
            {
                "id": table.question,
                "type": table.type,
                "text": table.text,
                "respondents": counts(table.respondents),
                "options": [option(row) for row in table.rows],
            }
            for table in results.tables
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _drawable(text: str) -> str:
    """Without symbols such as the scale's emoji, which matplotlib's fonts do not have."""
    return " ".join("".join(c for c in text if unicodedata.category(c) != "So").split())


def charts(results: Results, out_dir: Path, locale: str | None = None) -> list[Path]:
    """One PNG per question: a bar per option for the Total column; a hidden cell is a
    hatched slot with no bar, labelled "<10", so no height hints at its value. Words in the
    staff language, numbers in `locale` (default: the staff locale)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    locale = locale or staff_locale()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    total = results.columns.index(TOTAL)
    paths = []
    for table in results.tables:
        figure = Figure(figsize=(8, 4.5), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        cells = [row.cells[total] for row in table.rows]
        heights = [cell.count or 0 for cell in cells]
        positions = range(len(cells))
        bars = axes.bar(positions, heights, color="#3b7dd8")
        for x, cell, bar in zip(positions, cells, bars, strict=True):
            if cell.hidden:
                axes.axvspan(x - 0.4, x + 0.4, fill=False, hatch="///", edgecolor="#999999")
                axes.annotate(
                    HIDDEN,
                    (x, 0),
                    xytext=(0, 4),
                    textcoords="offset points",
                    ha="center",
                    bbox={"facecolor": "white", "edgecolor": "none"},
                )
            else:
                axes.annotate(
                    _text_cell(cell, locale),
                    (x, bar.get_height()),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                )
        axes.set_xticks(list(positions))
        axes.set_xticklabels(
            [
                textwrap.fill(_drawable(_shown(row.label, row.id)) or row.id, 14)
                for row in table.rows
            ],
            fontsize=8,
        )
        axes.yaxis.set_major_formatter(lambda value, _: format_decimal(value, locale=locale))
        axes.set_ylabel(_s(PEOPLE))
        axes.set_ylim(0, max([*heights, SMALLEST_SHOWN]) * 1.2)
        axes.set_title(textwrap.fill(_drawable(f"{table.question}: {table.text}"), 70), fontsize=10)
        n = table.respondents.cells[total]
        axes.set_xlabel(f"{_s(RESPONSES)}: {_text_cell(n, locale)}")
        figure.tight_layout()
        path = out_dir / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', table.question)}.png"
        figure.savefig(path)
        paths.append(path)
    return paths
