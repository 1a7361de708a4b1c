"""The lessons' flow, in the engine's order (bot.flows.plugins): the lesson files are read
once, when the engine is built, and the child's age band picks a lesson's words. A quiz's
place is kept in the database (bot.storage.conversation), so any replica takes the next
press."""

from __future__ import annotations

from bot.awareness.lessons import ABANDONED_AFTER, Lessons, LessonsFlow
from bot.awareness.schema import load_lessons
from bot.flows import Flow
from bot.flows.plugins import FlowContext, FlowSpec
from bot.storage.conversation import DatabaseStates


def lessons(context: FlowContext) -> Flow:
    places = DatabaseStates(context.database, "lessons", ABANDONED_AFTER)
    return LessonsFlow(Lessons(load_lessons(), states=places), band=context.consent.reading_band)


FLOWS = (FlowSpec("lessons", 40, lessons),)
