"""Reading an XLSForm (.xlsx) into a campaign, as a dict in the campaign file's shape
(`_Importer`), or refusing it with its sheet, row and a fix (`XLSFormError`). Which types it
refuses, and why, is bot/campaigns/xlsform/types.py; the mapping is in the package's
docstring.
"""

from __future__ import annotations

import re
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.campaigns.model import SKIP
from bot.campaigns.schema import (
    CAMPAIGN_ID,
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_ID,
    QUESTION_ID,
    RESERVED_OPTION_IDS,
)
from bot.campaigns.xlsform.types import (
    IDENTIFYING,
    IDENTIFYING_FIX,
    SKIPPED_METADATA,
    UNASKABLE,
    UNASKABLE_DEFAULT_FIX,
    UNASKABLE_FIX,
)
from bot.datafiles import DataFileError, suggest
from bot.i18n import _s, _sn
from consent.bands import load_bands

YES_WORDS, NO_WORDS = ("si", "sí", "yes", "1", "true"), ("no", "0", "false")
SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"

LABEL_COLUMN = re.compile(
    r"label(?:::\s*(?P<language>[^()]*?)\s*(?:\((?P<code>[a-z]{2,3})\))?)?\s*"
    r"(?:\(\s*(?P<band>\d+\s*-\s*\d+)\s*\))?",
    re.IGNORECASE,
)
SPANISH = ("", "es", "español", "espanol", "spanish")
RELEVANT_EQUALS = re.compile(r"\$\{(\w+)\}\s*=\s*(['\"])([^'\"]*)\2")
RELEVANT_SELECTED = re.compile(r"selected\(\s*\$\{(\w+)\}\s*,\s*(['\"])([^'\"]*)\2\s*\)")
# A first wording for the parts an XLSForm does not have; the header asks to revise them.
DESCRIPTION = (
    "Queremos saber qué piensa. Es anónima: no le vamos a pedir su nombre, su número ni "
    "dónde vive, y puede saltarse cualquier pregunta."
)
DEFAULT_AUDIENCE = ("13-15", "16-17", "18-24")
OPEN_DAYS = 60


class XLSFormError(DataFileError):
    """An XLSForm cannot become a campaign. The message is "<file>, hoja '<sheet>', fila
    <row>: <problem>. Fix: <fix>" (translated); the parts are kept as attributes."""

    def __init__(
        self, path: Path | str, sheet: str | None, row: int | None, problem: str, fix: str
    ) -> None:
        self.path, self.sheet, self.row, self.line = Path(path), sheet, row, row
        self.problem, self.fix = problem, fix
        where = str(path)
        if sheet is not None:
            where += ", " + _s("hoja '{sheet}'").format(sheet=sheet)
        if row is not None:
            where += ", " + _s("fila {row}").format(row=row)
        ValueError.__init__(
            self, f"{where}: " + _s("{problem}. Solución: {fix}").format(problem=problem, fix=fix)
        )


@dataclass
class _Sheet:
    name: str
    columns: dict[str, int]  # header as written (stripped) -> index
    rows: list[tuple[int, tuple[Any, ...]]]  # (row number, values), empty rows left out

    def cell(self, values: tuple[Any, ...], column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(values) or values[index] is None:
            return ""
        value = values[index]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


@dataclass
class _Labels:
    default: list[str] = field(default_factory=list)  # columns, best first
    by_band: dict[str, str] = field(default_factory=dict)  # band -> column


class _Importer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.band_ids = tuple(band.id for band in load_bands().bands)

    def fail(self, sheet: str | None, row: int | None, problem: str, fix: str) -> XLSFormError:
        return XLSFormError(self.path, sheet, row, problem, fix)

    # -- sheets -----------------------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError) as failure:
            raise self.fail(
                None,
                None,
                _s("no se puede leer el archivo como XLSForm ({failure})").format(failure=failure),
                _s("guárdelo como libro de Excel (.xlsx) y revise la ruta"),
            ) from None
        try:
            sheets = {name.strip().lower(): workbook[name] for name in workbook.sheetnames}
            survey = self.sheet(sheets, SURVEY, ("type", "name"))
            choices = self.sheet(sheets, CHOICES, ("list_name", "name"))
            settings = self.sheet(sheets, SETTINGS, ("form_id", "title"))
        finally:
            workbook.close()
        return self.campaign(survey, choices, settings)

    def sheet(self, sheets: dict[str, Any], name: str, required: tuple[str, ...]) -> _Sheet:
        if name not in sheets:
            raise self.fail(
                None,
                None,
                _s("falta la hoja '{sheet}'").format(sheet=name),
                _s("agregue una hoja llamada '{sheet}' con las columnas {columns}").format(
                    sheet=name, columns=", ".join(required)
                ),
            )
        rows = [
            (number, tuple(values))
            for number, values in enumerate(sheets[name].iter_rows(values_only=True), start=1)
            if any(value not in (None, "") for value in values)
        ]
        if not rows:
            raise self.fail(
                name,
                None,
                _s("la hoja está vacía"),
                _s("escriba en la fila 1 los nombres de columna {columns}").format(
                    columns=", ".join(required)
                ),
            )
        header_row, header = rows[0]
        columns = {
            str(value).strip(): index
            for index, value in enumerate(header)
            if value is not None and str(value).strip()
        }
        lowered = {column.lower(): index for column, index in columns.items()}
        for column in required:
            if column not in lowered:
                raise self.fail(
                    name,
                    header_row,
                    _s("falta la columna '{column}'").format(column=column),
                    suggest(
                        column,
                        list(columns),
                        _s("agregue '{column}' a la fila de nombres de columna").format(
                            column=column
                        ),
                    ),
                )
        for column, index in list(columns.items()):
            columns.setdefault(column.lower(), index)
        return _Sheet(name, columns, rows[1:])

    def labels(self, sheet: _Sheet, header_row: int = 1) -> _Labels:
        labels = _Labels()
        for column in sheet.columns:
            match = LABEL_COLUMN.fullmatch(column)
            if match is None or column != column.strip():
                continue
            language = (match["code"] or match["language"] or "").strip().lower()
            if language not in SPANISH:
                continue
            band = match["band"]
            if band is None:
                # `label::es` beats a plain `label` when a form has both.
                if column not in labels.default:
                    labels.default.insert(0 if language else len(labels.default), column)
                continue
            band = re.sub(r"\s+", "", band)
            if band not in self.band_ids:
                raise self.fail(
                    sheet.name,
                    header_row,
                    _s(
                        "la columna '{column}' es para una franja de edad desconocida '{band}'"
                    ).format(column=column, band=band),
                    suggest(
                        band,
                        self.band_ids,
                        _s("use los ids de franja de consent/bands.yml: {ids}").format(
                            ids=", ".join(self.band_ids)
                        ),
                    ),
                )
            labels.by_band[band] = column
        if not labels.default:
            raise self.fail(
                sheet.name,
                header_row,
                _s("falta la columna 'label' (o 'label::es')"),
                _s("agregue una columna 'label' con el texto en español para todas las franjas"),
            )
        return labels

    def wording(
        self, sheet: _Sheet, labels: _Labels, row: int, values: tuple[Any, ...], what: str
    ) -> str | dict[str, str]:
        default = next(
            (text for column in labels.default if (text := sheet.cell(values, column))), ""
        )
        if not default:
            raise self.fail(
                sheet.name,
                row,
                _s("{what} no tiene texto en '{column}'").format(
                    what=what, column=labels.default[0]
                ),
                _s("escriba el texto en español en la columna '{column}'").format(
                    column=labels.default[0]
                ),
            )
        by_band = {
            band: text
            for band, column in labels.by_band.items()
            if (text := sheet.cell(values, column)) and text != default
        }
        return {"default": default, **by_band} if by_band else default

    # -- the campaign -----------------------------------------------------------------------

    def campaign(self, survey: _Sheet, choices: _Sheet, settings: _Sheet) -> dict[str, Any]:
        if not settings.rows:
            raise self.fail(
                SETTINGS,
                2,
                _s("la hoja no tiene una fila con 'form_id' y 'title'"),
                _s("escriba el id y el título de la consulta en la fila 2"),
            )
        row, values = settings.rows[0]
        raw_id = settings.cell(values, "form_id")
        campaign_id = raw_id.lower().replace("_", "-")
        if not CAMPAIGN_ID.fullmatch(campaign_id):
            raise self.fail(
                SETTINGS,
                row,
                _s("el form_id {value} no sirve como id de consulta").format(value=repr(raw_id)),
                _s(
                    "use de 2 a 41 caracteres: letras minúsculas, dígitos, '-' o '_', empezando "
                    "con una letra o un dígito, p. ej. seguridad_en_linea"
                ),
            )
        title = settings.cell(values, "title")
        if not title:
            raise self.fail(
                SETTINGS, row, _s("falta el título"), _s("escriba el título en la columna 'title'")
            )
        self.choice_labels = self.labels(choices)
        self.lists = self.read_choices(choices)
        labels = self.labels(survey)
        questions = self.questions(survey, labels)
        if not questions:
            raise self.fail(
                SURVEY,
                None,
                _s("la hoja no tiene preguntas select_one ni select_multiple"),
                _s("agregue al menos una pregunta select_one o select_multiple"),
            )
        bands = set(labels.by_band) | set(self.choice_labels.by_band)
        audience = [band for band in self.band_ids if band in bands or band in DEFAULT_AUDIENCE]
        opens = date.today()
        campaign: dict[str, Any] = {
            "id": campaign_id,
            "title": title,
            "description": settings.cell(values, "description") or DESCRIPTION,
            "opens": opens.isoformat(),
            "closes": (opens + timedelta(days=OPEN_DAYS)).isoformat(),
            "audience": audience,
            "consent_version": settings.cell(values, "version") or opens.strftime("%Y-%m"),
        }
        if "9-12" in audience:
            campaign["access_code"] = "TALLER-" + secrets.token_hex(3).upper()
        campaign["questions"] = questions
        return campaign

    def read_choices(self, choices: _Sheet) -> dict[str, list[tuple[int, str, Any]]]:
        lists: dict[str, list[tuple[int, str, Any]]] = {}
        for row, values in choices.rows:
            list_name = choices.cell(values, "list_name")
            name = choices.cell(values, "name")
            if not list_name or not name:
                raise self.fail(
                    CHOICES,
                    row,
                    _s("la opción no tiene 'list_name' o 'name'"),
                    _s("escriba los dos, o borre la fila"),
                )
            option_id = name.lower()
            if not OPTION_ID.fullmatch(option_id):
                raise self.fail(
                    CHOICES,
                    row,
                    _s("el name de opción {value} no sirve como id de opción").format(
                        value=repr(name)
                    ),
                    _s("use de 1 a 12 caracteres: letras minúsculas, dígitos y '_', p. ej. tiktok"),
                )
            if option_id == SKIP or option_id in RESERVED_OPTION_IDS:
                raise self.fail(
                    CHOICES,
                    row,
                    _s("el name de opción '{option}' está reservado por el bot").format(
                        option=option_id
                    ),
                    _s("dele otro name ('Prefiero no responder' se agrega solo)"),
                )
            entries = lists.setdefault(list_name, [])
            if any(entry[1] == option_id for entry in entries):
                raise self.fail(
                    CHOICES,
                    row,
                    _s("el name de opción '{option}' se repite en la lista '{list}'").format(
                        option=option_id, list=list_name
                    ),
                    _s("dele a cada opción de una lista su propio name"),
                )
            text = self.wording(
                choices,
                self.choice_labels,
                row,
                values,
                _s("la opción '{option}'").format(option=option_id),
            )
            entries.append((row, option_id, text))
        return lists

    def questions(self, survey: _Sheet, labels: _Labels) -> list[dict[str, Any]]:
        questions: list[dict[str, Any]] = []
        kinds: dict[str, tuple[str, dict[str, str]]] = {}  # id -> (type, xlsform name -> id)
        groups: list[str] = []  # the relevant of each open group ("" for none)
        for row, values in survey.rows:
            raw_type = survey.cell(values, "type")
            words = raw_type.split()
            if len(words) >= 2 and words[0].lower() in ("begin", "end"):
                words = [f"{words[0]}_{words[1]}".lower(), *words[2:]]
            kind = words[0].lower() if words else ""
            relevant = survey.cell(values, "relevant")
            if not kind:
                raise self.fail(
                    SURVEY,
                    row,
                    _s("la fila no tiene 'type'"),
                    _s("escriba el tipo, o borre la fila"),
                )
            if kind in SKIPPED_METADATA:
                continue
            if kind == "begin_group":
                if relevant and any(groups):
                    raise self.unaskable(row, kind)
                groups.append(relevant)
                continue
            if kind == "end_group":
                if groups:
                    groups.pop()
                continue
            if kind in IDENTIFYING:
                raise self.fail(
                    SURVEY,
                    row,
                    _s("el tipo '{kind}' puede identificar a un niño o una niña: {why}").format(
                        kind=kind, why=_s(IDENTIFYING[kind])
                    ),
                    _s(IDENTIFYING_FIX),
                )
            if kind == "range" and self.is_scale(survey.cell(values, "parameters")):
                question_kind, options = "scale", None
            elif kind in UNASKABLE:
                raise self.unaskable(row, kind)
            elif kind in ("select_one", "select_multiple"):
                if "or_other" in (word.lower() for word in words[2:]):
                    # "Other" opens a free text box: a name or a place could be written there.
                    raise self.fail(
                        SURVEY,
                        row,
                        _s("'or_other' agrega un texto libre, que puede identificar a la persona"),
                        _s("quite 'or_other' y agregue una opción 'otra' a la lista"),
                    )
                if survey.cell(values, "choice_filter"):
                    raise self.fail(
                        SURVEY,
                        row,
                        _s("el bot no filtra opciones según otra respuesta ('choice_filter')"),
                        _s("borre el 'choice_filter', o haga una pregunta por cada caso"),
                    )
                question_kind, options = self.select(row, kind, words)
            else:
                raise self.fail(
                    SURVEY,
                    row,
                    _s("tipo de pregunta desconocido '{kind}'").format(kind=raw_type),
                    suggest(
                        kind,
                        ("select_one", "select_multiple"),
                        _s("use select_one o select_multiple"),
                    ),
                )
            name = survey.cell(values, "name")
            question_id = name.lower()
            if not QUESTION_ID.fullmatch(question_id):
                raise self.fail(
                    SURVEY,
                    row,
                    _s("el name {value} no sirve como id de pregunta").format(value=repr(name)),
                    _s("use de 1 a 20 caracteres: letras minúsculas, dígitos y '_'"),
                )
            if question_id in kinds:
                raise self.fail(
                    SURVEY,
                    row,
                    _s("el name '{question}' se usa dos veces").format(question=question_id),
                    _s("dele a cada pregunta su propio name"),
                )
            group_relevant = next((condition for condition in groups if condition), "")
            if relevant and group_relevant:
                raise self.unaskable(row, "begin_group")
            question: dict[str, Any] = {"id": question_id, "type": question_kind}
            condition = relevant or group_relevant
            if condition:
                question["show_if"] = self.show_if(row, condition, kinds)
            question["text"] = self.wording(
                survey,
                labels,
                row,
                values,
                _s("la pregunta '{question}'").format(question=question_id),
            )
            names: dict[str, str] = {}
            if question_kind == "yes_no":
                assert options is not None
                names = {name: ("si" if text == "si" else "no") for name, text in options}
            elif question_kind == "scale":
                names = {str(n): str(n) for n in range(1, 6)}
            else:
                assert options is not None
                question["options"] = [
                    {"id": option_id, "text": text} for option_id, text in options
                ]
                names = {option_id: option_id for option_id, _text in options}
            kinds[question_id] = (question_kind, names)
            # The key order of campaigns/README.md's example: the condition before the text.
            ordered: dict[str, Any] = {
                key: question[key]
                for key in ("id", "type", "show_if", "text", "options")
                if key in question
            }
            questions.append(ordered)
        return questions

    @staticmethod
    def is_scale(parameters: str) -> bool:
        values = dict(
            part.split("=", 1) for part in parameters.replace(";", " ").split() if "=" in part
        )
        return (
            values.get("start", "0") in ("1", "1.0")
            and values.get("end") in ("5", "5.0")
            and (values.get("step", "1") in ("1", "1.0"))
        )

    def unaskable(self, row: int, kind: str) -> XLSFormError:
        return self.fail(
            SURVEY,
            row,
            _s("el bot no puede hacer una pregunta de tipo '{kind}': {why}").format(
                kind=kind, why=_s(UNASKABLE[kind])
            ),
            _s(UNASKABLE_FIX.get(kind, UNASKABLE_DEFAULT_FIX)),
        )

    def select(self, row: int, kind: str, words: list[str]) -> tuple[str, list[tuple[str, Any]]]:
        if len(words) < 2:
            raise self.fail(
                SURVEY,
                row,
                _s("'{kind}' no dice de qué lista son las opciones").format(kind=kind),
                _s("escriba '{kind} <list_name>', con un list_name de la hoja choices").format(
                    kind=kind
                ),
            )
        list_name = words[1]
        entries = self.lists.get(list_name)
        if entries is None:
            raise self.fail(
                SURVEY,
                row,
                _s("la lista '{list}' no está en la hoja choices").format(list=list_name),
                suggest(
                    list_name,
                    list(self.lists),
                    _s("agregue sus opciones a la hoja choices con list_name '{list}'").format(
                        list=list_name
                    ),
                ),
            )
        names = {name for _row, name, _text in entries}
        if (
            kind == "select_one"
            and len(entries) == 2
            and (
                any(name in YES_WORDS for name in names) and any(name in NO_WORDS for name in names)
            )
        ):
            return "yes_no", [
                (name, "si" if name in YES_WORDS else "no") for _r, name, _t in entries
            ]
        if not MIN_OPTIONS <= len(entries) <= MAX_OPTIONS:
            raise self.fail(
                CHOICES,
                entries[0][0],
                _sn(
                    "la lista '{list}' tiene {count} opción",
                    "la lista '{list}' tiene {count} opciones",
                    len(entries),
                ).format(list=list_name, count=len(entries)),
                _s("déjele de {low} a {high} opciones").format(low=MIN_OPTIONS, high=MAX_OPTIONS),
            )
        return ("single" if kind == "select_one" else "multiple"), [
            (name, text) for _row, name, text in entries
        ]

    def show_if(
        self, row: int, relevant: str, kinds: dict[str, tuple[str, dict[str, str]]]
    ) -> dict[str, Any]:
        parts = re.split(r"\s+or\s+", relevant.strip())
        target = None
        answers: list[str] = []
        for part in parts:
            match = RELEVANT_EQUALS.fullmatch(part.strip()) or RELEVANT_SELECTED.fullmatch(
                part.strip()
            )
            if match is None or (target is not None and match[1].lower() != target):
                question, option = _s("pregunta"), _s("opción")
                raise self.fail(
                    SURVEY,
                    row,
                    _s("el bot no puede seguir la condición '{relevant}'").format(
                        relevant=relevant
                    ),
                    _s(
                        "escríbala como {equals} o {selected} (varias unidas con 'or' sobre la "
                        "misma pregunta), o bórrela"
                    ).format(
                        equals=f"${{{question}}} = '{option}'",
                        selected=f"selected(${{{question}}}, '{option}')",
                    ),
                )
            target = match[1].lower()
            if target not in kinds:
                raise self.fail(
                    SURVEY,
                    row,
                    _s("la condición remite a '{target}', que no es una pregunta anterior").format(
                        target=target
                    ),
                    _s("nombre una pregunta select_one o select_multiple que venga antes"),
                )
            names = kinds[target][1]
            answer = names.get(match[3].lower())
            if answer is None:
                raise self.fail(
                    SURVEY,
                    row,
                    _s("'{target}' no tiene la opción '{option}'").format(
                        target=target, option=match[3]
                    ),
                    suggest(
                        match[3],
                        list(names),
                        _s("use un name de opción de '{target}'").format(target=target),
                    ),
                )
            if answer not in answers:
                answers.append(answer)
        return {"question": target, "answer": answers[0] if len(answers) == 1 else answers}
