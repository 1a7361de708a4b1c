"""The published web report of a release: one self-contained, accessible HTML page
(`python -m bot results <id> --format html > informe.html`).

Why a page: the organisations that run consultations publish their results as web pages,
and a journalist quotes a page, not a terminal. What it holds is exactly what
bot.campaigns.results publishes (the latest release, suppressed and perturbed), nothing
more: this module only draws it.

Accessible by construction: the page's language is set; every table has a caption,
column headers (`scope="col"`) and row headers (`scope="row"`); every chart is an inline
SVG with `role="img"` and a text alternative that lists every bar's figure; hidden
figures read "<10" in the table, the chart and its text alternative; numbers and dates are
in the staff locale (es_CR by default). Self-contained: no script, no font, no image or
style from anywhere else, so it can be mailed, archived or printed as it is.
"""

from __future__ import annotations

from html import escape

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.campaigns.perturbation import LARGEST_CHANGE
from bot.campaigns.results import (
    DATES,
    HIDDEN,
    METHOD_TEMPLATE,
    MIN_N_FOR_PERCENT,
    NOTE_TEMPLATE,
    RESPONSES,
    TOTAL,
    Results,
    Row,
    Table,
    _shown,
    _text_cell,
    release_lines,
)
from bot.i18n import N_, _s, staff_locale

ANSWER = N_("Respuesta")
HOW_TO_READ = N_("Cómo leer estas cifras")
CHART = N_("Gráfico: {question}. Total de cada respuesta: {figures}.")
RESULTS = N_("Resultados")

STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; background: #fff;
       max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.8rem; margin-bottom: .25rem; }
h2 { font-size: 1.25rem; margin-top: 2.5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #767676; padding: .3rem .6rem; }
td { text-align: right; font-variant-numeric: tabular-nums; }
th[scope=row] { text-align: left; font-weight: normal; }
thead th { background: #eef2f7; }
tr.n th, tr.n td { font-weight: 600; }
.meta { color: #333; margin: 0; }
.note { border-left: 4px solid #3b7dd8; padding-left: 1rem; }
svg text { font: 13px system-ui, sans-serif; fill: #1a1a1a; }
"""


def _lang(locale: str) -> str:
    return locale.replace("_", "-")


def _chart(table: Table, columns: tuple[str, ...], locale: str, index: int) -> str:
    """Horizontal bars of the Total column; a hidden figure is an outlined slot with "<10"
    and no bar, so no length hints at its value."""
    total = columns.index(TOTAL)
    cells = [(_shown(row.label, row.id), row.cells[total]) for row in table.rows]
    largest = max([cell.count or 0 for _, cell in cells] + [10])
    label_width, bar_width, line = 230, 380, 30
    height = line * len(cells) + 10
    parts = []
    for i, (label, cell) in enumerate(cells):
        y = 5 + i * line
        text = _text_cell(cell, locale)
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end">{escape(short)}</text>'
        )
        if cell.hidden:
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="60" height="20" fill="none" '
                f'stroke="#767676" stroke-dasharray="4 3"/>'
                f'<text x="{label_width + 30}" y="{y + 19}" text-anchor="middle">'
                f"{escape(HIDDEN)}</text>"
            )
            continue
        width = round(bar_width * (cell.count or 0) / largest)
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{width}" height="20" fill="#2f6fc4"/>'
            f'<text x="{label_width + width + 6}" y="{y + 19}">{escape(text)}</text>'
        )
    figures = "; ".join(f"{label}: {_text_cell(cell, locale)}" for label, cell in cells)
    name = _s(CHART).format(question=table.text, figures=figures)
    return (
        f'<svg role="img" aria-labelledby="chart-{index}" width="{label_width + bar_width + 90}" '
        f'height="{height}" viewBox="0 0 {label_width + bar_width + 90} {height}">'
        f'<title id="chart-{index}">{escape(name)}</title>{"".join(parts)}</svg>'
    )


def _table(caption: str, columns: tuple[str, ...], rows: list[Row], locale: str) -> str:
    head = "".join(f'<th scope="col">{escape(_shown(c))}</th>' for c in columns)
    body = []
    for row in rows:
        css = ' class="n"' if row.label == RESPONSES else ""
        cells = "".join(f"<td>{escape(_text_cell(cell, locale))}</td>" for cell in row.cells)
        body.append(
            f'<tr{css}><th scope="row">{escape(_shown(row.label, row.id))}</th>{cells}</tr>'
        )
    return (
        f"<table><caption>{escape(caption)}</caption>"
        f'<thead><tr><th scope="col">{escape(_s(ANSWER))}</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def as_html(results: Results, locale: str | None = None, closed: bool = False) -> str:
    """The page, in the staff language, for a published release."""
    locale = locale or staff_locale()
    opens = format_date(results.opens, "long", locale=locale)
    closes = format_date(results.closes, "long", locale=locale)
    meta = [_s(DATES).format(opens=opens, closes=closes)]
    meta += release_lines(results, closed, locale)
    sections = [
        _table(_shown(results.completions.label), results.columns, [results.completions], locale)
    ]
    for i, table in enumerate(results.tables, start=1):
        sections.append(
            f'<section aria-labelledby="q-{i}"><h2 id="q-{i}">{escape(table.text)}</h2>'
            f"<figure>{_chart(table, results.columns, locale, i)}</figure>"
            f"{_table(table.text, results.columns, [*table.rows, table.respondents], locale)}"
            "</section>"
        )
    notes = [
        _s(NOTE_TEMPLATE).format(hidden=HIDDEN, n=format_decimal(MIN_N_FOR_PERCENT, locale=locale))
    ]
    if results.perturbed:
        notes.append(_s(METHOD_TEMPLATE).format(most=format_decimal(LARGEST_CHANGE, locale=locale)))
    title = f"{results.title}: {_s(RESULTS)}"
    return (
        f'<!doctype html>\n<html lang="{_lang(locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>"
        f"<h1>{escape(title)}</h1>"
        + "".join(f'<p class="meta">{escape(line)}</p>' for line in meta)
        + "".join(sections)
        + f'<section class="note" aria-labelledby="how"><h2 id="how">{escape(_s(HOW_TO_READ))}</h2>'
        + "".join(f"<p>{escape(note)}</p>" for note in notes)
        + "</section></main></body></html>\n"
    )
