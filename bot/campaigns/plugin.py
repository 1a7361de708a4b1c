"""The campaigns' flows, in the engine's order (bot.flows.plugins): a survey's buttons,
choosing a consultation (which starts the survey, so it comes after it), and the results a
child asked for."""

from __future__ import annotations

from bot.campaigns.feedback import FeedbackFlow
from bot.campaigns.flow import CampaignChoice, SurveyFlow
from bot.flows import Flow
from bot.flows.plugins import FlowContext, FlowSpec


def survey(context: FlowContext) -> Flow:
    return SurveyFlow(context.surveys, context.consent)


def campaign_choice(context: FlowContext) -> Flow:
    return CampaignChoice(context.consent, context.campaigns, context.flow(SurveyFlow))


def results_feedback(context: FlowContext) -> Flow:
    return FeedbackFlow(context.requests, context.surveys)


FLOWS = (
    FlowSpec("survey", 10, survey),
    FlowSpec("campaign choice", 20, campaign_choice),
    FlowSpec("results feedback", 30, results_feedback),
)
