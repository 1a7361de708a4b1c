"""Flows plug into the engine through one protocol and one registry (bot.flows): a button
reaches the flow whose prefix it carries, a command the flow that claims it, and every
flow forgets on /salir and erases on /borrar. Runs with a fake assistant: no Rasa model."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from bot.engine import STALE_BUTTON, Button, Engine, Inbound, Kind, Reply
from bot.flows import CALLBACK_DATA_LIMIT, Codec, DuplicateClaim, Flow, Flows, Turn
from bot.runtime import engine_for
from tests.unit.test_erasure import FakeAssistant

USER = "pseudonym-of-a-child"


class Stamps(Flow):
    """A toy flow: "z:<n>" buttons count stamps, /sellos shows them, and both go on
    /salir (forget) and /borrar (erase)."""

    name = "stamps"
    buttons = Codec("z", r"[1-9]")
    commands = frozenset({"sellos"})
    usage = MappingProxyType({"sellos": "para ver sus sellos"})

    def __init__(self) -> None:
        self.stamps: dict[str, int] = {}

    async def press(self, turn: Turn) -> list[Reply] | None:
        fields = self.buttons.parse(turn.event.text)
        if fields is None:
            return None
        self.stamps[turn.user] = self.stamps.get(turn.user, 0) + int(fields[0])
        return [Reply("sello", ((Button("otro", self.buttons.encode(1)),),))]

    async def command(self, turn: Turn) -> list[Reply]:
        return [Reply(str(self.stamps.get(turn.user, 0)))]

    def forget(self, user: str) -> None:
        self.stamps.pop(user, None)

    def erase(self, user: str) -> int:
        return 1 if self.stamps.pop(user, None) is not None else 0


def event(kind: Kind, text: str) -> Inbound:
    return Inbound(USER, kind, text)


# -- the codec ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "c:band:9-12",
        "c:read",
        "c:q:2",
        "s:q1:si",
        "s:q1:done",
        "p:consulta-2026",
        "l:m",
        "l:o:trata",
        "l:a:trata:1:2",
        "t:yes:12",
        "t:stop:12",
        "q:me:abuse",
        "r:saludar",
    ],
)
def test_buttons_already_sent_still_reach_their_flow(data, database):
    """The data formats children's phones already hold are unchanged, byte for byte."""
    engine = engine_for(FakeAssistant(), database)
    owner = engine.flows.for_button(data)
    if data.startswith("r:"):
        assert owner is None  # the assistant's, kept by the engine
        return
    assert owner is not None and owner.buttons is not None
    assert owner.buttons.parse(data) == tuple(data.split(":")[1:])


@pytest.mark.parametrize("data", ["z:0", "z:12", "z:1:", "z1", "zz:1", "z:" + "1" * 70, "z:١"])
def test_forged_or_overlong_data_parses_to_nothing(data):
    assert Codec("z", r"[1-9]").parse(data) is None


def test_encoding_checks_the_64_byte_limit_and_the_grammar_once():
    codec = Codec("z", r"[a-z]+")
    assert codec.encode("abc") == "z:abc"
    with pytest.raises(ValueError, match="64 bytes"):
        codec.encode("a" * CALLBACK_DATA_LIMIT)
    with pytest.raises(ValueError, match="not valid"):
        codec.encode("ABC")


# -- the registry ---------------------------------------------------------------------------


def test_two_flows_claiming_one_prefix_are_refused_at_start_naming_both():
    class Other(Stamps):
        name = "other"

    with pytest.raises(DuplicateClaim, match="'other'.*'z'.*'stamps'"):
        Flows([Stamps(), Other()])


def test_a_command_claimed_twice_or_kept_by_the_engine_is_refused():
    class Borrar(Flow):
        name = "borrar"
        commands = frozenset({"borrar"})
        usage = MappingProxyType({"borrar": "para borrar otra cosa"})

    with pytest.raises(DuplicateClaim, match="/'borrar'.*engine"):
        Engine(FakeAssistant(), flows=[Borrar()])


def test_the_assistant_prefix_is_the_engines():
    class Rasa(Flow):
        name = "rasa"
        buttons = Codec("r", "x")

    with pytest.raises(DuplicateClaim, match="'r'"):
        Engine(FakeAssistant(), flows=[Rasa()])


def test_the_running_registry_has_no_clash(database):
    names = [flow.name for flow in engine_for(FakeAssistant(), database).flows]
    assert names[:3] == ["case answers", "middle answers", "consent"]  # the safety order


# -- a flow in the engine -------------------------------------------------------------------


async def test_a_new_flow_plugs_in_without_touching_the_engine():
    stamps = Stamps()
    engine = Engine(FakeAssistant(), flows=[stamps])
    replies = await engine.handle(event(Kind.BUTTON, "z:3"))
    assert replies[0].buttons[0][0].data == "z:1"
    assert (await engine.handle(event(Kind.COMMAND, "sellos")))[0].text == "3"
    assert (await engine.handle(event(Kind.BUTTON, "z:0")))[0].text == STALE_BUTTON
    await engine.handle(event(Kind.COMMAND, "salir"))
    assert stamps.stamps == {}
    await engine.handle(event(Kind.BUTTON, "z:3"))
    erased = await engine.handle(event(Kind.COMMAND, "borrar"))
    assert "registros borrados: 1" in erased[0].text and stamps.stamps == {}


async def test_without_the_flow_its_command_and_buttons_are_unknown():
    engine = Engine(FakeAssistant())
    unknown = (await engine.handle(event(Kind.COMMAND, "sellos")))[0].text
    assert unknown == engine.unknown_command and "/sellos" not in unknown
    assert (await engine.handle(event(Kind.BUTTON, "z:3")))[0].text == STALE_BUTTON


async def test_a_failing_eraser_is_told_and_the_assistant_forgets_nothing_yet():
    class Broken(Flow):
        name = "broken"

        def erase(self, user: str) -> int:
            raise RuntimeError("database down")

    assistant = FakeAssistant()
    engine = Engine(assistant, flows=[Stamps(), Broken()])
    replies = await engine.handle(event(Kind.COMMAND, "borrar"))
    assert "no pude borrar" in replies[0].text and assistant.forgotten == []
