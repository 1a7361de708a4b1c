"""`python -m bot results ID`: a campaign's latest release, with small-cell suppression, as
a table, CSV, JSON or one HTML page (--charts DIR: one PNG per question). Live counts are
never printed: before the first release there is nothing to publish."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from bot.settings import Settings

NAME = "results"
HELP = "a campaign's results, safe to publish"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("campaign", help="the campaign id")
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json", "html"],
        default="table",
        help="html: one self-contained web page of the latest release",
    )
    parser.add_argument("--charts", metavar="DIR", help="also write one PNG per question here")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.campaigns import results
    from bot.campaigns.launch import CampaignRegistry, UnknownCampaign
    from bot.campaigns.report import as_html
    from bot.storage import Database

    database = Database(settings.database_url)
    database.migrate()
    registry = CampaignRegistry(database)
    try:
        campaign = registry.require(args.campaign)
    except UnknownCampaign as error:
        print(error, file=sys.stderr)
        return 1
    closed = registry.closed_for_release(campaign)
    published = results.published(database, campaign, registry.clock(), closed)
    if published is None:  # no release yet: nothing is published, live counts never are
        print(results.none_yet(campaign), file=sys.stderr)
        return 0
    render: dict[str, Callable[[results.Results], str]] = {
        "table": lambda r: results.as_table(r, closed=closed),
        "csv": results.as_csv,
        "json": results.as_json,
        "html": lambda r: as_html(r, closed=closed),
    }
    sys.stdout.write(render[args.format](published))
    if args.charts:
        for path in results.charts(published, Path(args.charts)):
            print(path, file=sys.stderr)
    return 0
