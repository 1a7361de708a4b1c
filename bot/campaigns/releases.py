"""Releases: results are published as numbered releases of the counters, never live.

Why: live, exact results let a reader subtract two looks at the table and read what one
child answered (the cells that moved by one). Statistical offices publish in releases for
the same reason. Here:
  - A release is taken when the counters hold at least `release_every` (the campaign's
    setting, default 20) more completions than at the last release, or once more when the
    campaign has closed (by `campaigns close` or after its `closes` date) and anything came
    in since; but never one with no age band in it (see below). It is taken by the
    completion that makes it due (bot.campaigns.survey) and, for a closed campaign, when
    results are read or by the running bot's results task (bot.campaigns.results_task),
    which does not wait for anyone to read them.
  - A release copies the counters, keys included (ReleaseCounter), and results are always
    read from the latest release (bot.campaigns.results.published), perturbed
    (bot.campaigns.perturbation).
  - An age band's figures change only when at least BAND_REFRESH (10, the smallest count
    ever shown) more people of that band completed since they last changed, or since the
    start: a band first appears with 10 completions or more. Otherwise the release repeats
    that band's figures from the release before (or still has none). So the difference
    between two releases, in any column, the Total included (the sum of the bands as
    released), is about at least 10 people, never one child who was seen pressing the
    last button among others of another age. A band with no figures yet is left out of
    the published table and named as pending, never shown as zeros.
  - Nothing is erased from counters or releases by /borrar: they hold no person.
  - A campaign's participation tokens (who was counted, as keyed one-way tokens) are
    deleted once the campaign is past its last day and its results are read
    (`forget_participants`): nobody can take part any more, so there is nothing left to
    count once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.campaigns.launch import LOCAL_OFFSET
from bot.campaigns.tables import ANY, AnswerCounter, ParticipationToken, Release, ReleaseCounter

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.campaigns.model import Campaign
    from bot.storage import Database

BAND_REFRESH = 10  # bot.campaigns.results.SMALLEST_SHOWN

Counter = tuple[str, str, str]  # (question, option, band)


@dataclass(frozen=True)
class ReleaseInfo:
    """What a reader is told about the release they read, and about the next one."""

    campaign: str
    number: int
    taken_at: datetime
    final: bool  # taken because the campaign closed
    release_every: int  # the next release comes after this many new completions...
    closes: date  # ... or when the campaign closes


@dataclass(frozen=True)
class Snapshot:
    """A release's counters: count and key per (question, option, band)."""

    info: ReleaseInfo
    counts: dict[Counter, int]
    keys: dict[Counter, int]


def _info(campaign: Campaign, row: Release) -> ReleaseInfo:
    return ReleaseInfo(
        campaign=campaign.id,
        number=row.number,
        taken_at=row.taken_at,
        final=bool(row.final),
        release_every=campaign.release_every,
        closes=campaign.closes,
    )


def latest(database: Database, campaign: Campaign) -> Snapshot | None:
    """The latest release of the campaign, or None before the first one."""
    with database.session() as session:
        row = _last_release(session, campaign.id)
        if row is None:
            return None
        cells = session.execute(
            select(
                ReleaseCounter.question,
                ReleaseCounter.option,
                ReleaseCounter.band,
                ReleaseCounter.count,
                ReleaseCounter.key,
            ).where(ReleaseCounter.campaign == campaign.id, ReleaseCounter.number == row.number)
        ).all()
        info = _info(campaign, row)
    return Snapshot(
        info,
        {(q, o, b): count for q, o, b, count, _ in cells},
        {(q, o, b): key for q, o, b, _, key in cells},
    )


def _last_release(session: Session, campaign_id: str) -> Release | None:
    """The campaign's newest release row, or None before the first."""
    release: Release | None = session.scalars(
        select(Release)
        .where(Release.campaign == campaign_id)
        .order_by(Release.number.desc())
        .limit(1)
    ).first()
    return release


def _live(session: Session, campaign_id: str) -> dict[Counter, tuple[int, int]]:
    query = select(
        AnswerCounter.question,
        AnswerCounter.option,
        AnswerCounter.band,
        AnswerCounter.count,
        AnswerCounter.key,
    ).where(AnswerCounter.campaign == campaign_id)
    return {(q, o, b): (count, key) for q, o, b, count, key in session.execute(query)}


def _by_band(cells: dict[Counter, tuple[int, int]]) -> dict[str, dict[Counter, tuple[int, int]]]:
    bands: dict[str, dict[Counter, tuple[int, int]]] = defaultdict(dict)
    for counter, value in cells.items():
        bands[counter[2]][counter] = value
    return bands


def _completions(cells: dict[Counter, tuple[int, int]], band: str) -> int:
    return cells.get((ANY, ANY, band), (0, 0))[0]


def compose(
    live: dict[Counter, tuple[int, int]], previous: dict[Counter, tuple[int, int]]
) -> dict[Counter, tuple[int, int]]:
    """What a new release holds: each band's live counters if it gained at least
    BAND_REFRESH completions since the previous release (or since the start), else its
    previous ones (or nothing)."""
    now, before = _by_band(live), _by_band(previous)
    released: dict[Counter, tuple[int, int]] = {}
    for band in now.keys() | before.keys():
        if _completions(live, band) - _completions(previous, band) >= BAND_REFRESH:
            released |= now.get(band, {})
        else:
            released |= before.get(band, {})
    return released


def take_due(
    database: Database, campaign: Campaign, now: datetime, closed: bool = False
) -> ReleaseInfo | None:
    """Take the next release if it is due (see the module docstring); the new release, or
    None when none was due (or another process took it at the same moment)."""
    try:
        with database.session() as session:
            live = _live(session, campaign.id)
            total = sum(count for (q, o, _), (count, _) in live.items() if (q, o) == (ANY, ANY))
            last = _last_release(session, campaign.id)
            since = total - (last.completions if last is not None else 0)
            if not (since >= campaign.release_every or (closed and since > 0)):
                return None
            previous: dict[Counter, tuple[int, int]] = {}
            number = 1
            if last is not None:
                number = last.number + 1
                rows = session.execute(
                    select(
                        ReleaseCounter.question,
                        ReleaseCounter.option,
                        ReleaseCounter.band,
                        ReleaseCounter.count,
                        ReleaseCounter.key,
                    ).where(
                        ReleaseCounter.campaign == campaign.id,
                        ReleaseCounter.number == last.number,
                    )
                )
                previous = {(q, o, b): (count, key) for q, o, b, count, key in rows}
            released = compose(live, previous)
            if not released:  # no band has 10 completions yet: nothing to publish
                return None
            release = Release(
                campaign=campaign.id,
                number=number,
                taken_at=now,
                completions=total,
                final=closed,
            )
            session.add(release)
            session.flush()  # a second process taking the same number stops here
            for (question, option, band), (count, key) in released.items():
                session.add(
                    ReleaseCounter(
                        campaign=campaign.id,
                        number=number,
                        question=question,
                        option=option,
                        band=band,
                        count=count,
                        key=key,
                    )
                )
            info = _info(campaign, release)
    except IntegrityError:
        return None
    return info


def forget_participants(database: Database, campaign: Campaign, now: datetime) -> int:
    """Delete the campaign's participation tokens once it is past its last day in Costa
    Rica (`now` naive UTC): a campaign is live only within its dates, so nobody can be
    counted in it again. How many were deleted (0 while it can still be live)."""
    if (now + LOCAL_OFFSET).date() <= campaign.closes:
        return 0
    with database.session() as session:
        deleted = session.execute(
            delete(ParticipationToken).where(ParticipationToken.campaign == campaign.id)
        ).rowcount
    return int(deleted or 0)
