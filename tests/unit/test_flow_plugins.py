"""Flows are found, not listed: a feature package's `plugin.py` declares its flows and
their positions (bot.flows.plugins), and bot.runtime.engine_for builds whatever it finds.
A new feature is one new folder: these tests write one in a temporary package and see it
placed, answered, listed and erased without any other file changing; and every way two
declarations could make the order ambiguous is refused at start, naming both."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import pytest

from bot.engine import COMMAND_INTENTS, ENGINE_COMMANDS, UNKNOWN_COMMAND, Inbound, Kind
from bot.flows import Flow, Flows, MissingUsage
from bot.flows.plugins import FlowPluginError, FlowSpec, discover, order
from bot.runtime import FLOW_ROOTS, engine_for
from tests.unit.test_engine import ENGINE_LINES

USER = "u" * 32
# The order the bot has run in since flows became plug-ins: the engine's own flows and the
# consent gate first (the safety order), then the features by their declared positions.
RUNNING_ORDER = [
    "case answers",
    "middle answers",
    "consent",
    "survey",
    "campaign choice",
    "results feedback",
    "lessons",
    "news",
]
_roots = itertools.count()

OPINION = """
from types import MappingProxyType

from bot.events import Reply
from bot.flows import Flow
from bot.flows.plugins import FlowSpec


class Opinion(Flow):
    name = "opinion"
    commands = frozenset({"opinar"})
    usage = MappingProxyType({"opinar": "para decirnos qué piensa"})

    def __init__(self):
        self.given = set()

    async def command(self, turn):
        self.given.add(turn.user)
        return [Reply("¡Gracias por su opinión!")]

    def erase(self, user):
        if user in self.given:
            self.given.remove(user)
            return 1
        return 0


FLOWS = (FlowSpec("opinion", {position}, lambda context: Opinion()),)
"""


def feature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **plugins: str) -> str:
    """A root package holding one feature package per keyword (its name) with that
    `plugin.py`; importable for this test only. Returns the root's name."""
    root = f"extra_features_{next(_roots)}"
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / root).mkdir()
    (tmp_path / root / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / root / "not_a_feature").mkdir()  # a package without plugin.py is skipped
    (tmp_path / root / "not_a_feature" / "__init__.py").write_text("", encoding="utf-8")
    for name, source in plugins.items():
        (tmp_path / root / name).mkdir()
        (tmp_path / root / name / "__init__.py").write_text("", encoding="utf-8")
        (tmp_path / root / name / "plugin.py").write_text(textwrap.dedent(source), "utf-8")
    return root


def test_the_running_order_is_the_declared_one(assistant, database):
    assert [flow.name for flow in engine_for(assistant, database).flows] == RUNNING_ORDER
    declared = discover(FLOW_ROOTS)
    assert [spec.name for spec in declared] == RUNNING_ORDER[3:]
    assert [spec.position for spec in declared] == sorted(spec.position for spec in declared)


async def test_a_new_feature_folder_is_found_placed_answered_listed_and_erased(
    tmp_path, monkeypatch, assistant, database
):
    root = feature(tmp_path, monkeypatch, opinion=OPINION.replace("{position}", "35"))
    engine = engine_for(assistant, database, roots=(*FLOW_ROOTS, root))
    names = [flow.name for flow in engine.flows]
    assert names == [*RUNNING_ORDER[:6], "opinion", *RUNNING_ORDER[6:]]  # 30 < 35 < 40
    answer = await engine.handle(Inbound(USER, Kind.COMMAND, "opinar"))
    assert answer[0].text == "¡Gracias por su opinión!"
    unknown = await engine.handle(Inbound(USER, Kind.COMMAND, "votar"))
    assert "se guarda\n/opinar para decirnos qué piensa\n/noticias" in unknown[0].text
    erased = await engine.handle(Inbound(USER, Kind.COMMAND, "borrar"))
    assert "registros borrados: 1" in erased[0].text


def test_a_position_taken_by_another_feature_is_refused(tmp_path, monkeypatch):
    root = feature(tmp_path, monkeypatch, opinion=OPINION.replace("{position}", "40"))
    with pytest.raises(FlowPluginError, match=r"'opinion'.*'lessons'.*bot\.awareness.*40"):
        discover((*FLOW_ROOTS, root))


def test_a_name_declared_twice_is_refused(tmp_path, monkeypatch):
    root = feature(
        tmp_path,
        monkeypatch,
        one=OPINION.replace("{position}", "35"),
        two=OPINION.replace("{position}", "36"),
    )
    with pytest.raises(FlowPluginError, match=r"both declare the name 'opinion'"):
        discover((root,))


@pytest.mark.parametrize("position", ["0", "-5", "3.5", "'35'", "True"])
def test_a_position_that_is_not_a_positive_integer_is_refused(tmp_path, monkeypatch, position):
    root = feature(tmp_path, monkeypatch, opinion=OPINION.replace("{position}", position))
    with pytest.raises(FlowPluginError, match="not a positive integer"):
        discover((root,))


@pytest.mark.parametrize("declared", ["", "FLOWS = None", "FLOWS = ('opinion', 35)"])
def test_a_plugin_without_flow_specs_is_refused(tmp_path, monkeypatch, declared):
    root = feature(tmp_path, monkeypatch, broken=declared)
    with pytest.raises(FlowPluginError, match=rf"{root}\.broken\.plugin must declare FLOWS"):
        discover((root,))


def test_a_flow_needing_one_built_after_it_is_refused(tmp_path, monkeypatch, assistant, database):
    early_choice = """
        from bot.campaigns.flow import CampaignChoice, SurveyFlow
        from bot.flows.plugins import FlowSpec

        class EarlyChoice(CampaignChoice):
            name = "early choice"

        def build(context):
            return EarlyChoice(context.consent, context.campaigns, context.flow(SurveyFlow))

        FLOWS = (FlowSpec("early choice", 5, build),)
    """
    root = feature(tmp_path, monkeypatch, early=early_choice)
    with pytest.raises(FlowPluginError, match="SurveyFlow.*later position"):
        engine_for(assistant, database, roots=(root, *FLOW_ROOTS))  # 5 < 10: survey not built


def test_a_spec_must_build_the_flow_it_names(tmp_path, monkeypatch, assistant, database):
    root = feature(tmp_path, monkeypatch, opinion=OPINION.replace('"opinion", {', '"opinar", {'))
    source = (tmp_path / root / "opinion" / "plugin.py").read_text(encoding="utf-8")
    (tmp_path / root / "opinion" / "plugin.py").write_text(source.replace("{position}", "35"))
    with pytest.raises(FlowPluginError, match="spec 'opinar' built the flow 'opinion'"):
        engine_for(assistant, database, roots=(root,))


def test_two_flows_continuing_the_consent_gate_are_refused(
    tmp_path, monkeypatch, assistant, database
):
    second = """
        from bot.campaigns.flow import CampaignChoice, SurveyFlow
        from bot.flows.plugins import FlowSpec

        class SecondChoice(CampaignChoice):
            name = "second choice"
            intents = frozenset()

        def build(context):
            return SecondChoice(context.consent, context.campaigns, context.flow(SurveyFlow))

        FLOWS = (FlowSpec("second choice", 60, build),)
    """
    root = feature(tmp_path, monkeypatch, second=second)
    with pytest.raises(FlowPluginError, match="'campaign choice', 'second choice'.*one may"):
        engine_for(assistant, database, roots=(*FLOW_ROOTS, root))


def test_order_sorts_by_position_whatever_the_order_found():
    def spec(name: str, position: int) -> FlowSpec:
        return FlowSpec(name, position, lambda _context: Flow())

    found = [spec("c", 30), spec("a", 10), spec("b", 20)]
    assert [s.name for s in order(found)] == ["a", "b", "c"]
    assert [s.name for s in order(reversed(found))] == ["a", "b", "c"]


def test_the_unknown_command_answer_lists_every_command_a_child_can_use(assistant, database):
    engine = engine_for(assistant, database)
    expected = (
        f"{ENGINE_LINES}\n/noticias para recibir mensajes de vez en cuando\n"
        "/baja para dejar de recibirlos"
    )
    assert engine.unknown_command == UNKNOWN_COMMAND.format(commands=expected)
    answered = engine.flows.commands() | set(ENGINE_COMMANDS) | set(COMMAND_INTENTS)
    listed = {line.split()[0][1:] for line in expected.splitlines()}
    assert listed == answered


def test_a_command_without_its_usage_is_refused():
    class Silent(Flow):
        name = "silent"
        commands = frozenset({"callar"})

    with pytest.raises(MissingUsage, match="'silent'.*callar.*describe each command"):
        Flows([Silent()])
