"""Reading campaign files (campaigns/*.yml) into `Campaign`s, strictly.

A facilitator writes these files, so every mistake is reported as
"<file>:<line>: <what is wrong>. Fix: <how>", in the staff language (STAFF_LANGUAGE; in
Spanish, "Solución" for "Fix"). The file is read by `bot.datafiles`, which
keeps each value's line and the text as written (`si`, `no`, `0123` or `2026-12-01` stay
text); this module knows what a campaign must contain.

The rules, in the order they are checked, are written out in campaigns/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import yaml

from bot.campaigns.model import (
    RELEASE_EVERY,
    SCALE,
    SCALE_EMOJI,
    SKIP,
    Campaign,
    Condition,
    Option,
    Question,
    QuestionType,
    Wording,
)
from bot.datafiles import DataFileError, NodeReader, line_of, load_yaml, suggest, yml_files
from bot.flows.codec import CALLBACK_DATA_LIMIT
from bot.i18n import N_, _s, _sn
from bot.settings import ROOT
from consent.bands import Bands, load_bands

CAMPAIGNS_DIR = ROOT / "campaigns"

# The id is the /start deep-link payload (Telegram allows A-Za-z0-9_- up to 64 bytes)
# and the key of the campaign's counters.
CAMPAIGN_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,40}")
RESERVED_CAMPAIGN_IDS = frozenset({"general"})  # consent's scope when no campaign link was used
QUESTION_ID = re.compile(r"[a-z0-9_]{1,20}")
OPTION_ID = re.compile(r"[a-z0-9_]{1,12}")
# Option ids the bot uses itself: SKIP ("Prefiero no responder") on every question, and
# "done", the «Listo» button that ends a multiple-choice question (bot.campaigns.survey).
RESERVED_OPTION_IDS = {
    SKIP: N_("el botón «Prefiero no responder»"),
    "done": N_("el botón «Listo»"),
}
QUESTION_TYPES: tuple[QuestionType, ...] = ("single", "multiple", "scale", "yes_no")
CHOICE_TYPES = ("single", "multiple")
MIN_OPTIONS, MAX_OPTIONS = 2, 10
ACCESS_CODE_LENGTH = (4, 32)
# New completions between two releases: at least the smallest count ever shown, so that no
# release adds fewer people than a published cell may hold.
RELEASE_EVERY_RANGE = (10, 100_000)

# Button data for an answer; it must fit every channel (`bot.channels.BUTTON_DATA_LIMIT`).
ANSWER_DATA = "s:{question}:{option}"

# Words a child reads on the implicit buttons (the consent texts promise this exact label).
SKIP_LABEL = "Prefiero no responder"
YES_NO = (("si", "Sí"), ("no", "No"))

CAMPAIGN_KEYS = (
    "id",
    "title",
    "description",
    "opens",
    "closes",
    "audience",
    "consent_version",
    "access_code",
    "release_every",
    "feedback",
    "questions",
)
QUESTION_KEYS = ("id", "type", "text", "options", "show_if")
OPTION_KEYS = ("id", "text")
SHOW_IF_KEYS = ("question", "answer")


class CampaignError(DataFileError):
    """A campaign file is malformed. The message is "<file>:<line>: <problem>. Fix: <fix>"
    (translated); the parts are kept as attributes too."""


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


class _Reader(NodeReader):
    """Reads one file's node tree; every check raises a CampaignError at the node."""

    error = CampaignError

    def __init__(self, path: Path, bands: Bands) -> None:
        super().__init__(path)
        self.band_ids = tuple(band.id for band in bands.bands)
        # Bands read with the children's assent words (9-12): guardians consent offline.
        self.child_bands = tuple(band.id for band in bands.bands if band.texts == "nino")

    # -- values ---------------------------------------------------------------------------

    def day(self, node: yaml.Node, what: str) -> date:
        value = self.text(node, what)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(
                node,
                _s("{what} {value} no es una fecha").format(what=what, value=repr(value)),
                _s("escríbala como AAAA-MM-DD, p. ej. 2026-12-01"),
            ) from None

    def identifier(self, node: yaml.Node, what: str, pattern: re.Pattern[str], rule: str) -> str:
        value = self.text(node, what)
        if not pattern.fullmatch(value):
            raise self.fail(
                node, _s("{what} {value} no es válido").format(what=what, value=repr(value)), rule
            )
        return value

    def band(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what)
        if value not in self.band_ids:
            raise self.fail(
                node,
                _s("franja de edad desconocida '{band}' en {what}").format(band=value, what=what),
                suggest(
                    value,
                    self.band_ids,
                    _s("use los ids de franja de consent/bands.yml: {ids}").format(
                        ids=", ".join(self.band_ids)
                    ),
                ),
            )
        return value

    def wording(self, node: yaml.Node, what: str, audience: frozenset[str]) -> Wording:
        """A text, or `default:` plus one override per age band of the audience."""
        if isinstance(node, yaml.ScalarNode):
            return Wording(self.text(node, what))
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(
                node,
                _s("{what} debe ser un texto, o 'default:' más una redacción por franja").format(
                    what=what
                ),
                _s(
                    "escriba {what} en una sola línea, o como líneas con sangría 'default: ...' y "
                    "'9-12: ...'"
                ).format(what=what),
            )
        fields = self.mapping(node, what, None)
        default = None
        by_band: dict[str, str] = {}
        for key, (key_node, value_node) in fields.items():
            if key == "default":
                default = self.text(value_node, _s("el 'default' de {what}").format(what=what))
                continue
            band = key
            if band not in self.band_ids:
                raise self.fail(
                    key_node,
                    _s("'{key}' en {what} no es 'default' ni una franja de edad").format(
                        key=key, what=what
                    ),
                    suggest(
                        key,
                        ("default", *self.band_ids),
                        _s("use 'default' y los ids de franja de consent/bands.yml: {ids}").format(
                            ids=", ".join(self.band_ids)
                        ),
                    ),
                )
            if band not in audience:
                raise self.fail(
                    key_node,
                    _s(
                        "{what} tiene una redacción para la franja '{band}', que no está en "
                        "'audience'"
                    ).format(what=what, band=band),
                    _s("agregue '{band}' a 'audience', o quite esta redacción").format(band=band),
                )
            by_band[band] = self.text(
                value_node, _s("la redacción para {band} de {what}").format(band=band, what=what)
            )
        if default is None:
            raise self.fail(
                node,
                _s("{what} tiene redacciones por franja pero no 'default'").format(what=what),
                _s(
                    "agregue una línea 'default: ...', que se usa para cada franja sin redacción "
                    "propia"
                ),
            )
        return Wording(default, by_band)

    # -- the campaign ---------------------------------------------------------------------

    def campaign(self, root: yaml.Node | None) -> Campaign:
        if root is None:
            raise self.empty(_s("empiece con el ejemplo de campaigns/README.md"))
        campaign = _s("la consulta")
        top = self.mapping(root, campaign, CAMPAIGN_KEYS)

        id_node = self.required(top, root, "id", campaign)
        campaign_id = self.identifier(
            id_node,
            _s("el id de la consulta"),
            CAMPAIGN_ID,
            _s(
                "use de 2 a 41 caracteres: letras minúsculas, dígitos y '-', empezando con una "
                "letra o un dígito (se vuelve el enlace t.me/<bot>?start=<id>), p. ej. "
                "seguridad-en-linea"
            ),
        )
        if campaign_id in RESERVED_CAMPAIGN_IDS:
            raise self.fail(
                id_node,
                _s(
                    "el id de consulta '{id}' está reservado para los chats que no llegaron por "
                    "el enlace de una consulta"
                ).format(id=campaign_id),
                _s("escoja otro id"),
            )
        title = self.text(self.required(top, root, "title", campaign), "'title'")
        description_node = self.required(top, root, "description", campaign)
        opens = self.day(self.required(top, root, "opens", campaign), "'opens'")
        closes_node = self.required(top, root, "closes", campaign)
        closes = self.day(closes_node, "'closes'")
        if closes < opens:
            raise self.fail(
                closes_node,
                _s("la consulta cierra ({closes}) antes de abrir ({opens})").format(
                    closes=closes, opens=opens
                ),
                _s("ponga en 'closes' el mismo día de 'opens' o uno posterior"),
            )

        audience_node = self.required(top, root, "audience", campaign)
        audience: list[str] = []
        band_item = _s('id de franja de edad (p. ej. "13-15")')
        for node in self.sequence(audience_node, "'audience'", band_item):
            band = self.band(node, "'audience'")
            if band in audience:
                raise self.fail(
                    node,
                    _s("la franja '{band}' aparece dos veces en 'audience'").format(band=band),
                    _s("deje solo una"),
                )
            audience.append(band)
        bands = frozenset(audience)
        description = self.wording(description_node, "'description'", bands)

        consent_version = self.text(
            self.required(top, root, "consent_version", campaign), "'consent_version'"
        )
        access_code = None
        if "access_code" in top and not self.is_null(top["access_code"][1]):
            code_node = top["access_code"][1]
            access_code = self.text(code_node, "'access_code'")
            low, high = ACCESS_CODE_LENGTH
            if not low <= len(access_code) <= high:
                raise self.fail(
                    code_node,
                    _sn(
                        "'access_code' tiene {count} carácter",
                        "'access_code' tiene {count} caracteres",
                        len(access_code),
                    ).format(count=len(access_code)),
                    _s(
                        "use de {low} a {high} caracteres, o quite 'access_code' para una "
                        "consulta abierta a cualquiera que tenga el enlace"
                    ).format(low=low, high=high),
                )

        release_every = RELEASE_EVERY
        if "release_every" in top and not self.is_null(top["release_every"][1]):
            release_every = self.release_every(top["release_every"][1])
        feedback = None
        if "feedback" in top and not self.is_null(top["feedback"][1]):
            feedback = self.wording(top["feedback"][1], "'feedback'", bands)
        children = [band for band in audience if band in self.child_bands]
        if children and access_code is None:
            raise self.fail(
                audience_node,
                _s(
                    "la consulta está abierta a {bands} sin 'access_code': a niñas y niños de "
                    "esa edad solo se les consulta en un taller, con el permiso de sus "
                    "encargados pedido fuera del bot"
                ).format(bands=", ".join(children)),
                _s(
                    "agregue 'access_code' con el código del taller, o quite {bands} de 'audience'"
                ).format(bands=", ".join(children)),
            )

        questions_node = self.required(top, root, "questions", campaign)
        questions: list[Question] = []
        for node in self.sequence(questions_node, "'questions'", _s("pregunta")):
            questions.append(self.question(node, questions, bands))
        return Campaign(
            id=campaign_id,
            title=title,
            description=description,
            opens=opens,
            closes=closes,
            audience=bands,
            consent_version=consent_version,
            access_code=access_code,
            questions=tuple(questions),
            source=self.path,
            release_every=release_every,
            feedback=feedback,
        )

    def release_every(self, node: yaml.Node) -> int:
        value = self.text(node, "'release_every'")
        low, high = RELEASE_EVERY_RANGE
        if not value.isdigit() or not low <= int(value) <= high:
            raise self.fail(
                node,
                _s("'release_every' es {value}, no un número entero de {low} a {high}").format(
                    value=repr(value), low=low, high=high
                ),
                _s(
                    "escriba cuántas respuestas nuevas debe haber entre dos publicaciones de "
                    "resultados, de {low} a {high} (sin él: {default})"
                ).format(low=low, high=high, default=RELEASE_EVERY),
            )
        return int(value)

    def question(
        self, node: yaml.Node, earlier: list[Question], audience: frozenset[str]
    ) -> Question:
        a_question = _s("una pregunta")
        fields = self.mapping(node, a_question, QUESTION_KEYS)
        id_node = self.required(fields, node, "id", a_question)
        question_id = self.identifier(
            id_node,
            _s("el id de pregunta"),
            QUESTION_ID,
            _s(
                "use de 1 a 20 caracteres: letras minúsculas, dígitos y '_', p. ej. ofertas_trabajo"
            ),
        )
        what = _s("la pregunta '{question}'").format(question=question_id)
        for other in earlier:
            if other.id == question_id:
                raise self.fail(
                    id_node,
                    _s("el id de pregunta '{question}' se usa dos veces").format(
                        question=question_id
                    ),
                    _s("dele a cada pregunta su propio id"),
                )
        type_node = self.required(fields, node, "type", what)
        kind = self.text(type_node, _s("el tipo de {what}").format(what=what))
        if kind not in QUESTION_TYPES:
            raise self.fail(
                type_node,
                _s("tipo de pregunta desconocido '{kind}' en {what}").format(kind=kind, what=what),
                suggest(
                    kind,
                    QUESTION_TYPES,
                    _s("use uno de estos: {choices}").format(choices=", ".join(QUESTION_TYPES)),
                ),
            )
        text = self.wording(
            self.required(fields, node, "text", what),
            _s("el texto de {what}").format(what=what),
            audience,
        )

        if kind in CHOICE_TYPES:
            options = self.options(self.required(fields, node, "options", what), what, audience)
        else:
            if "options" in fields:
                implicit = (
                    _s("del 1 al 5 con caritas") if kind == "scale" else _s("'si' (Sí) y 'no' (No)")
                )
                raise self.fail(
                    fields["options"][0],
                    _s("{what} es de tipo {kind}, que no lleva opciones").format(
                        what=what, kind=kind
                    ),
                    _s("quite 'options': una pregunta {kind} ya ofrece {implicit}").format(
                        kind=kind, implicit=implicit
                    ),
                )
            if kind == "scale":
                options = [Option(n, Wording(f"{SCALE_EMOJI[n]} {n}")) for n in SCALE]
            else:
                options = [Option(id_, Wording(label)) for id_, label in YES_NO]
        options.append(Option(SKIP, Wording(SKIP_LABEL)))

        for option in options:
            data = ANSWER_DATA.format(question=question_id, option=option.id)
            if len(data.encode()) > CALLBACK_DATA_LIMIT:  # cannot happen with the id rules
                raise self.fail(
                    id_node,
                    _s(
                        "los datos del botón {data} pasan de los {limit} bytes que permite Telegram"
                    ).format(data=repr(data), limit=CALLBACK_DATA_LIMIT),
                    _s("acorte los ids de la pregunta y de las opciones"),
                )

        show_if = None
        if "show_if" in fields:
            show_if = self.condition(fields["show_if"][1], what, earlier, question_id)
        return Question(question_id, kind, text, tuple(options), show_if)

    def options(self, node: yaml.Node, what: str, audience: frozenset[str]) -> list[Option]:
        items = self.sequence(
            node,
            _s("las opciones de {what}").format(what=what),
            _s("opción (id y texto)"),
        )
        if not MIN_OPTIONS <= len(items) <= MAX_OPTIONS:
            raise self.fail(
                node,
                _sn(
                    "{what} tiene {count} opción", "{what} tiene {count} opciones", len(items)
                ).format(what=what, count=len(items)),
                _s(
                    "póngale de {low} a {high} opciones ('Prefiero no responder' se agrega solo)"
                ).format(low=MIN_OPTIONS, high=MAX_OPTIONS),
            )
        an_option = _s("una opción de {what}").format(what=what)
        options: list[Option] = []
        for item in items:
            fields = self.mapping(item, an_option, OPTION_KEYS)
            id_node = self.required(fields, item, "id", an_option)
            option_id = self.identifier(
                id_node,
                _s("el id de opción en {what}").format(what=what),
                OPTION_ID,
                _s("use de 1 a 12 caracteres: letras minúsculas, dígitos y '_', p. ej. tiktok"),
            )
            if option_id == SKIP:
                raise self.fail(
                    id_node,
                    _s(
                        "el id de opción '{option}' está reservado para 'Prefiero no responder'"
                    ).format(option=SKIP),
                    _s("quite esta opción: 'Prefiero no responder' se agrega solo a cada pregunta"),
                )
            if option_id in RESERVED_OPTION_IDS:
                raise self.fail(
                    id_node,
                    _s("el id de opción '{option}' está reservado para {use}").format(
                        option=option_id, use=_s(RESERVED_OPTION_IDS[option_id])
                    ),
                    _s("dele otro id a esta opción"),
                )
            if any(option.id == option_id for option in options):
                raise self.fail(
                    id_node,
                    _s("el id de opción '{option}' se usa dos veces en {what}").format(
                        option=option_id, what=what
                    ),
                    _s("dele a cada opción de una pregunta su propio id"),
                )
            this_option = _s("la opción '{option}' de {what}").format(option=option_id, what=what)
            text = self.wording(
                self.required(fields, item, "text", this_option),
                _s("el texto de {what}").format(what=this_option),
                audience,
            )
            options.append(Option(option_id, text))
        return options

    def condition(
        self, node: yaml.Node, what: str, earlier: list[Question], question_id: str
    ) -> Condition:
        where = _s("'show_if' de {what}").format(what=what)
        fields = self.mapping(node, where, SHOW_IF_KEYS)
        target_node = self.required(fields, node, "question", where)
        target_id = self.text(target_node, _s("la pregunta en {where}").format(where=where))
        target = next((q for q in earlier if q.id == target_id), None)
        if target is None:
            if target_id == question_id:
                problem = _s("{where} remite a la misma pregunta").format(where=where)
            else:
                problem = _s("{where} remite a '{target}', que no es una pregunta anterior").format(
                    where=where, target=target_id
                )
            fix = (
                _s("nombre una pregunta que venga antes de esta ({ids})")
                if earlier
                else _s("nombre una pregunta que venga antes de esta")
            )
            raise self.fail(
                target_node,
                problem,
                suggest(
                    target_id,
                    [q.id for q in earlier],
                    fix.format(ids=", ".join(q.id for q in earlier)),
                ),
            )
        answer_node = self.required(fields, node, "answer", where)
        if isinstance(answer_node, yaml.SequenceNode):
            answer_nodes = self.sequence(
                answer_node,
                _s("las respuestas en {where}").format(where=where),
                _s("id de opción"),
            )
        else:
            answer_nodes = [answer_node]
        choices = [option.id for option in target.options]
        answers: list[str] = []
        for answer in answer_nodes:
            value = self.text(answer, _s("la respuesta en {where}").format(where=where))
            if value not in choices:
                raise self.fail(
                    answer,
                    _s("'{target}' no tiene la opción '{option}'").format(
                        target=target_id, option=value
                    ),
                    suggest(
                        value,
                        choices,
                        _s("use un id de opción de '{target}': {ids}").format(
                            target=target_id, ids=_quoted(choices)
                        ),
                    ),
                )
            if value in answers:
                raise self.fail(
                    answer,
                    _s("la respuesta '{answer}' aparece dos veces en {where}").format(
                        answer=value, where=where
                    ),
                    _s("deje solo una"),
                )
            answers.append(value)
        return Condition(target_id, frozenset(answers))


def load_campaign(path: Path | str, bands: Bands | None = None) -> Campaign:
    """Read and validate one campaign file. Raises CampaignError naming file, line and fix."""
    path = Path(path)
    root = load_yaml(path, CampaignError)
    return _Reader(path, bands or load_bands()).campaign(root)


def id_line(path: Path) -> int | None:
    """The line of the top-level 'id:' of a campaign file (for messages about a valid file)."""
    try:
        root = load_yaml(path, CampaignError)
    except CampaignError:
        return None
    if isinstance(root, yaml.MappingNode):
        for key, _value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id":
                return line_of(key)
    return None


def duplicate_error(first: Campaign, second: Campaign) -> CampaignError:
    """Two files declare the same campaign id."""
    assert first.source is not None and second.source is not None
    first_line = id_line(first.source)
    first_where = f"{first.source}:{first_line}" if first_line else str(first.source)
    return CampaignError(
        second.source,
        id_line(second.source),
        _s("el id de consulta '{id}' también lo usa {where}").format(
            id=second.id, where=first_where
        ),
        _s("dele a cada consulta su propio id (un archivo por consulta)"),
    )


def campaign_files(folder: Path | str = CAMPAIGNS_DIR) -> list[Path]:
    """The campaign files of a folder: every *.yml, by name. A *.yaml file is refused
    rather than silently ignored."""
    return yml_files(Path(folder), _s("los archivos de consultas"), CampaignError)


def load_campaigns(folder: Path | str = CAMPAIGNS_DIR) -> dict[str, Campaign]:
    """Every campaign of the folder, by id. The first malformed file, or an id declared by
    two files, raises CampaignError."""
    bands = load_bands()
    campaigns: dict[str, Campaign] = {}
    for path in campaign_files(folder):
        campaign = load_campaign(path, bands)
        if campaign.id in campaigns:
            raise duplicate_error(campaigns[campaign.id], campaign)
        campaigns[campaign.id] = campaign
    return campaigns
