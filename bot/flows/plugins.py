"""Where flows come from: each feature package declares its own, and the engine's order is
read from those declarations, never written by hand in one list.

A feature package that adds flows holds a module `plugin.py` with

    FLOWS = (FlowSpec("lessons", 40, build),)

where `build(context)` makes the flow from a `FlowContext`, the shared collaborators the
composition root (bot.runtime.engine_for) passes: the database, the consent flow, the
campaign registry, the survey counters and the results requests. A flow that needs a flow
built before it asks `context.flow(SurveyFlow)`.

`discover` walks the packages directly under the given roots ("bot") for a `plugin.py` (no
other module is imported), and `order` sorts what it found by `position`: positions are
unique, so the order never depends on which folder the file system lists first. Two specs
with one position or one name, a position that is not a positive integer, or a `plugin.py`
without FLOWS are refused at start, naming the modules. The order matters: it is the order
in which a waiting flow reminds a child who types (the engine's "active flow" step), and
in which /salir and /borrar visit the flows. Today's order is pinned by
tests/unit/test_flow_plugins.py; the consent gate is not a plug-in: its place, before every
feature, is the engine's safety order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.flows.flow import Flow

if TYPE_CHECKING:  # types only: the features import this module, not the other way
    from bot.campaigns.feedback import ResultsRequests
    from bot.campaigns.launch import CampaignRegistry
    from bot.campaigns.survey import Surveys
    from bot.storage import Database
    from consent import ConsentFlow

PLUGIN = "plugin"  # the module a feature package declares its FLOWS in
F = TypeVar("F", bound=Flow)
K = TypeVar("K", int, str)


class FlowPluginError(ValueError):
    """A feature's flow declaration is malformed or clashes with another's."""


@dataclass
class FlowContext:
    """What a flow may be built from: the collaborators the features share, made once by the
    composition root, and the flows built before it (`flow`)."""

    database: Database
    consent: ConsentFlow
    campaigns: CampaignRegistry
    surveys: Surveys  # the survey counters and participation markers
    requests: ResultsRequests  # the results children asked for
    built: list[Flow] = field(default_factory=list)

    def flow(self, kind: type[F]) -> F:
        """The flow of this class built before the one asking; it must sit earlier."""
        found = next((flow for flow in self.built if isinstance(flow, kind)), None)
        if found is None:
            raise FlowPluginError(
                f"a flow needs the {kind.__name__} flow, which is not built before it: give "
                "it a later position than that flow's"
            )
        return found


@dataclass(frozen=True)
class FlowSpec:
    """One flow a feature adds: its name (the flow's own `name`), its position among the
    features' flows (lower first; gaps leave room), and how it is built."""

    name: str
    position: int
    build: Callable[[FlowContext], Flow]
    module: str = ""  # filled by `discover`: where the spec was declared, for errors


def discover(roots: Sequence[str]) -> list[FlowSpec]:
    """Every FlowSpec declared in a `plugin.py` of a package directly under the roots, in
    the order of `order`."""
    specs: list[FlowSpec] = []
    for root in roots:
        package = importlib.import_module(root)
        for directory in sorted(_packages(package.__path__)):
            name = f"{root}.{directory.name}.{PLUGIN}"
            specs.extend(_declared(importlib.import_module(name), name))
    return order(specs)


def _packages(paths: Iterable[str]) -> list[Path]:
    return [
        child
        for path in paths
        for child in Path(path).iterdir()
        if (child / "__init__.py").is_file() and (child / f"{PLUGIN}.py").is_file()
    ]


def _declared(module: object, name: str) -> list[FlowSpec]:
    flows = getattr(module, "FLOWS", None)
    if not isinstance(flows, (tuple, list)) or not all(isinstance(s, FlowSpec) for s in flows):
        raise FlowPluginError(f"{name} must declare FLOWS, a tuple of FlowSpec")
    return [FlowSpec(spec.name, spec.position, spec.build, name) for spec in flows]


def order(specs: Iterable[FlowSpec]) -> list[FlowSpec]:
    """The specs by position; a position or a name declared twice is refused."""
    positions: dict[int, FlowSpec] = {}
    names: dict[str, FlowSpec] = {}
    for spec in specs:
        if type(spec.position) is not int or spec.position < 1:
            raise FlowPluginError(
                f"flow '{spec.name}' ({spec.module}): position {spec.position!r} is not a "
                "positive integer"
            )
        _claim(positions, spec.position, spec, "position")
        _claim(names, spec.name, spec, "name")
    return sorted(positions.values(), key=lambda spec: spec.position)


def _claim(claims: dict[K, FlowSpec], key: K, spec: FlowSpec, what: str) -> None:
    other = claims.setdefault(key, spec)
    if other is not spec:
        raise FlowPluginError(
            f"flow '{spec.name}' ({spec.module}) and flow '{other.name}' ({other.module}) "
            f"both declare the {what} {key!r}: give each its own"
        )


def build(specs: Iterable[FlowSpec], context: FlowContext) -> list[Flow]:
    """The flows, built in order; each may use the ones before it (`context.flow`)."""
    for spec in specs:
        flow = spec.build(context)
        if flow.name != spec.name:
            raise FlowPluginError(
                f"{spec.module}: the spec '{spec.name}' built the flow '{flow.name}'; name "
                "them alike, so errors and logs name one thing"
            )
        context.built.append(flow)
    return list(context.built)
