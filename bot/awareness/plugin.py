"""The lessons' flow, in the engine's order (bot.flows.plugins): the lesson files are read
once, when the engine is built, and the child's age band picks a lesson's words."""

from __future__ import annotations

from bot.awareness.lessons import Lessons, LessonsFlow
from bot.awareness.schema import load_lessons
from bot.flows import Flow
from bot.flows.plugins import FlowContext, FlowSpec


def lessons(context: FlowContext) -> Flow:
    return LessonsFlow(Lessons(load_lessons()), band=context.consent.band)


FLOWS = (FlowSpec("lessons", 40, lessons),)
