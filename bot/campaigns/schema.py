"""Reading campaign files (campaigns/*.yml) into `Campaign`s, strictly.

A facilitator writes these files, so every mistake is reported as
"<file>:<line>: <what is wrong>. Fix: <how>". The file is read by `bot.datafiles`, which
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
    SCALE,
    SCALE_EMOJI,
    SKIP,
    Campaign,
    Condition,
    Option,
    Question,
    Wording,
)
from bot.datafiles import DataFileError, NodeReader, line_of, load_yaml, suggest, yml_files
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
RESERVED_OPTION_IDS = {SKIP: "'Prefiero no responder'", "done": "the «Listo» button"}
QUESTION_TYPES = ("single", "multiple", "scale", "yes_no")
CHOICE_TYPES = ("single", "multiple")
MIN_OPTIONS, MAX_OPTIONS = 2, 10
ACCESS_CODE_LENGTH = (4, 32)

# Button data for an answer; Telegram's callback_data holds 1-64 bytes.
ANSWER_DATA = "s:{question}:{option}"
CALLBACK_DATA_LIMIT = 64

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
    "questions",
)
QUESTION_KEYS = ("id", "type", "text", "options", "show_if")
OPTION_KEYS = ("id", "text")
SHOW_IF_KEYS = ("question", "answer")


class CampaignError(DataFileError):
    """A campaign file is malformed. The message is "<file>:<line>: <problem>. Fix: <fix>";
    the parts are kept as attributes too."""


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


class _Reader(NodeReader):
    """Reads one file's node tree; every check raises a CampaignError at the node."""

    error = CampaignError

    def __init__(self, path: Path, bands: Bands) -> None:
        super().__init__(path)
        self.band_ids = tuple(band.id for band in bands.bands)

    # -- values ---------------------------------------------------------------------------

    def day(self, node: yaml.Node, what: str) -> date:
        value = self.text(node, what)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(
                node,
                f"{what} {value!r} is not a date",
                "write it as YYYY-MM-DD, e.g. 2026-12-01",
            ) from None

    def identifier(self, node: yaml.Node, what: str, pattern: re.Pattern[str], rule: str) -> str:
        value = self.text(node, what)
        if not pattern.fullmatch(value):
            raise self.fail(node, f"{what} {value!r} is not valid", rule)
        return value

    def band(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what)
        if value not in self.band_ids:
            raise self.fail(
                node,
                f"unknown age band '{value}' in {what}",
                suggest(
                    value,
                    self.band_ids,
                    f"use the band ids of consent/bands.yml: {', '.join(self.band_ids)}",
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
                f"{what} must be a text, or 'default:' plus band overrides",
                f"write {what} on one line, or as indented lines 'default: ...' and '9-12: ...'",
            )
        fields = self.mapping(node, what, None)
        default = None
        by_band: dict[str, str] = {}
        for key, (key_node, value_node) in fields.items():
            if key == "default":
                default = self.text(value_node, f"the default of {what}")
                continue
            band = key
            if band not in self.band_ids:
                raise self.fail(
                    key_node,
                    f"'{key}' in {what} is neither 'default' nor an age band",
                    suggest(
                        key,
                        ("default", *self.band_ids),
                        "use 'default' and band ids of consent/bands.yml: "
                        + ", ".join(self.band_ids),
                    ),
                )
            if band not in audience:
                raise self.fail(
                    key_node,
                    f"{what} has a wording for band '{band}', which is not in the audience",
                    f"add '{band}' to 'audience', or remove this wording",
                )
            by_band[band] = self.text(value_node, f"the {band} wording of {what}")
        if default is None:
            raise self.fail(
                node,
                f"{what} has band wordings but no 'default'",
                "add a 'default: ...' line, used for every band without its own wording",
            )
        return Wording(default, by_band)

    # -- the campaign ---------------------------------------------------------------------

    def campaign(self, root: yaml.Node | None) -> Campaign:
        if root is None:
            raise CampaignError(
                self.path, 1, "the file is empty", "start from the example in campaigns/README.md"
            )
        top = self.mapping(root, "the campaign", CAMPAIGN_KEYS)

        id_node = self.required(top, root, "id", "the campaign")
        campaign_id = self.identifier(
            id_node,
            "campaign id",
            CAMPAIGN_ID,
            "use 2-41 characters: lowercase letters, digits and '-', starting with a letter "
            "or digit (it becomes the link t.me/<bot>?start=<id>), e.g. seguridad-en-linea",
        )
        if campaign_id in RESERVED_CAMPAIGN_IDS:
            raise self.fail(
                id_node,
                f"campaign id '{campaign_id}' is reserved for chats with no campaign link",
                "choose another id",
            )
        title = self.text(self.required(top, root, "title", "the campaign"), "'title'")
        description = self.text(
            self.required(top, root, "description", "the campaign"), "'description'"
        )
        opens = self.day(self.required(top, root, "opens", "the campaign"), "'opens'")
        closes_node = self.required(top, root, "closes", "the campaign")
        closes = self.day(closes_node, "'closes'")
        if closes < opens:
            raise self.fail(
                closes_node,
                f"the campaign closes ({closes}) before it opens ({opens})",
                "make 'closes' the same day as 'opens' or later",
            )

        audience_node = self.required(top, root, "audience", "the campaign")
        audience: list[str] = []
        for node in self.sequence(audience_node, "'audience'", 'age band id (e.g. "13-15")'):
            band = self.band(node, "'audience'")
            if band in audience:
                raise self.fail(node, f"band '{band}' is listed twice in 'audience'", "keep one")
            audience.append(band)
        bands = frozenset(audience)

        consent_version = self.text(
            self.required(top, root, "consent_version", "the campaign"), "'consent_version'"
        )
        access_code = None
        if "access_code" in top and not self.is_null(top["access_code"][1]):
            code_node = top["access_code"][1]
            access_code = self.text(code_node, "'access_code'")
            low, high = ACCESS_CODE_LENGTH
            if not low <= len(access_code) <= high:
                raise self.fail(
                    code_node,
                    f"'access_code' has {len(access_code)} characters",
                    f"use {low} to {high} characters, or remove 'access_code' for a campaign "
                    "anyone with the link may join",
                )

        questions_node = self.required(top, root, "questions", "the campaign")
        questions: list[Question] = []
        for node in self.sequence(questions_node, "'questions'", "question"):
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
        )

    def question(
        self, node: yaml.Node, earlier: list[Question], audience: frozenset[str]
    ) -> Question:
        fields = self.mapping(node, "a question", QUESTION_KEYS)
        id_node = self.required(fields, node, "id", "a question")
        question_id = self.identifier(
            id_node,
            "question id",
            QUESTION_ID,
            "use 1-20 characters: lowercase letters, digits and '_', e.g. ofertas_trabajo",
        )
        what = f"question '{question_id}'"
        for other in earlier:
            if other.id == question_id:
                raise self.fail(
                    id_node,
                    f"question id '{question_id}' is used twice",
                    "give each question its own id",
                )
        type_node = self.required(fields, node, "type", what)
        kind = self.text(type_node, f"the type of {what}")
        if kind not in QUESTION_TYPES:
            raise self.fail(
                type_node,
                f"unknown question type '{kind}' in {what}",
                suggest(kind, QUESTION_TYPES, f"use one of: {', '.join(QUESTION_TYPES)}"),
            )
        text = self.wording(
            self.required(fields, node, "text", what), f"the text of {what}", audience
        )

        if kind in CHOICE_TYPES:
            options = self.options(self.required(fields, node, "options", what), what, audience)
        else:
            if "options" in fields:
                implicit = "1 to 5 with faces" if kind == "scale" else "'si' (Sí) and 'no' (No)"
                raise self.fail(
                    fields["options"][0],
                    f"{what} is of type {kind}, which takes no options",
                    f"remove 'options': a {kind} question offers {implicit} by itself",
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
                    f"button data {data!r} is longer than Telegram's {CALLBACK_DATA_LIMIT} bytes",
                    "shorten the question and option ids",
                )

        show_if = None
        if "show_if" in fields:
            show_if = self.condition(fields["show_if"][1], what, earlier, question_id)
        return Question(question_id, kind, text, tuple(options), show_if)  # type: ignore[arg-type]

    def options(self, node: yaml.Node, what: str, audience: frozenset[str]) -> list[Option]:
        items = self.sequence(node, f"the options of {what}", "option (id and text)")
        if not MIN_OPTIONS <= len(items) <= MAX_OPTIONS:
            raise self.fail(
                node,
                f"{what} has {len(items)} options",
                f"give it {MIN_OPTIONS} to {MAX_OPTIONS} options ('Prefiero no responder' is "
                "added by itself)",
            )
        options: list[Option] = []
        for item in items:
            fields = self.mapping(item, f"an option of {what}", OPTION_KEYS)
            id_node = self.required(fields, item, "id", f"an option of {what}")
            option_id = self.identifier(
                id_node,
                f"option id in {what}",
                OPTION_ID,
                "use 1-12 characters: lowercase letters, digits and '_', e.g. tiktok",
            )
            if option_id == SKIP:
                raise self.fail(
                    id_node,
                    f"option id '{SKIP}' is reserved for 'Prefiero no responder'",
                    "remove this option: 'Prefiero no responder' is added to every question "
                    "by itself",
                )
            if option_id in RESERVED_OPTION_IDS:
                raise self.fail(
                    id_node,
                    f"option id '{option_id}' is reserved for {RESERVED_OPTION_IDS[option_id]}",
                    "give this option another id",
                )
            if any(option.id == option_id for option in options):
                raise self.fail(
                    id_node,
                    f"option id '{option_id}' is used twice in {what}",
                    "give each option of a question its own id",
                )
            text = self.wording(
                self.required(fields, item, "text", f"option '{option_id}' of {what}"),
                f"the text of option '{option_id}' of {what}",
                audience,
            )
            options.append(Option(option_id, text))
        return options

    def condition(
        self, node: yaml.Node, what: str, earlier: list[Question], question_id: str
    ) -> Condition:
        where = f"'show_if' of {what}"
        fields = self.mapping(node, where, SHOW_IF_KEYS)
        target_node = self.required(fields, node, "question", where)
        target_id = self.text(target_node, f"the question in {where}")
        target = next((q for q in earlier if q.id == target_id), None)
        if target is None:
            if target_id == question_id:
                problem = f"{where} refers to the question itself"
            else:
                problem = f"{where} refers to '{target_id}', which is not an earlier question"
            raise self.fail(
                target_node,
                problem,
                suggest(
                    target_id,
                    [q.id for q in earlier],
                    "name a question that comes before this one"
                    + (f" ({', '.join(q.id for q in earlier)})" if earlier else ""),
                ),
            )
        answer_node = self.required(fields, node, "answer", where)
        if isinstance(answer_node, yaml.SequenceNode):
            answer_nodes = self.sequence(answer_node, f"the answers in {where}", "option id")
        else:
            answer_nodes = [answer_node]
        choices = [option.id for option in target.options]
        answers: list[str] = []
        for answer in answer_nodes:
            value = self.text(answer, f"the answer in {where}")
            if value not in choices:
                raise self.fail(
                    answer,
                    f"'{target_id}' has no option '{value}'",
                    suggest(
                        value, choices, f"use an option id of '{target_id}': {_quoted(choices)}"
                    ),
                )
            if value in answers:
                raise self.fail(answer, f"answer '{value}' is listed twice in {where}", "keep one")
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
        f"campaign id '{second.id}' is also used by {first_where}",
        "give each campaign its own id (one file per campaign)",
    )


def campaign_files(folder: Path | str = CAMPAIGNS_DIR) -> list[Path]:
    """The campaign files of a folder: every *.yml, by name. A *.yaml file is refused
    rather than silently ignored."""
    return yml_files(Path(folder), "campaign files", CampaignError)


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
