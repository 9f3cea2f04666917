"""Readiness (issue 15): a tabletop within 12 months, a reminder channel that works, a recent backup
(``settings.READINESS_CHECKS``); and the score over every app's items, for the page, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from incidentdesk import readiness
from incidentdesk.readiness import ReadinessItem

from . import channeltest
from .models import BackupRecord, ChannelTest
from .tabletop import last_tabletop

YEAR = timedelta(days=365)
#: A backup older than this is not "recent" (decision 166): a weekly backup is the least a register needs.
BACKUP_MAX_AGE = timedelta(days=7)


def _tabletop(now: datetime) -> ReadinessItem:
    last = last_tabletop()
    ready = last is not None and last.ended_at >= now - YEAR
    if last is None:
        detail = "No exercise has been completed yet."
    else:
        detail = (f"Last exercise “{last.title}” completed on {timezone.localtime(last.ended_at):%d %B %Y}"
                  + ("." if ready else ", over a year ago."))
    return ReadinessItem(key="exercises.tabletop", title="A tabletop exercise within 12 months", ready=ready,
                         detail=detail, fix_url=reverse("exercises"),
                         source="Incident procedure, section 9 (a level 2 response simulated once a year)")


def _reminders(now: datetime) -> ReadinessItem:
    tests = list(ChannelTest.objects.filter(sent_at__gte=now - YEAR).prefetch_related("deliveries")[:20])
    outcomes = [(test, *channeltest.outcome(test)) for test in tests]
    good = next(((t, words) for t, ok, words in outcomes if ok), None)
    if good:
        test, words = good
        day = timezone.localtime(test.sent_at)
        detail = f"A test reminder to {test.user_name} on {day:%d %B %Y} got through: {words}."
    elif outcomes and outcomes[0][1] is None:
        detail = f"The last test reminder is still waiting to be sent: {outcomes[0][2]}."
    elif outcomes:
        detail = f"The last test reminder did not get through: {outcomes[0][2]}."
    else:
        detail = "No test reminder has been sent in the last 12 months: send one to check the channel works."
    return ReadinessItem(key="reminders.channel", title="Reminders reach people (a test got through)",
                         ready=good is not None, detail=detail, fix_url=reverse("readiness") + "#reminder-test",
                         source="Playbook readiness check: reminders configured, with a channel that works")


def _backups(now: datetime) -> ReadinessItem:
    last = BackupRecord.objects.first()
    ready = last is not None and last.taken_at >= now - BACKUP_MAX_AGE
    if last is None:
        detail = ("No backup has been recorded. After each backup of the database and the evidence files, run "
                  "“incidentdesk backup-done”.")
    else:
        detail = (f"Last backup {timezone.localtime(last.taken_at):%d %B %Y %H:%M}"
                  + (f" ({last.note})" if last.note else "")
                  + ("." if ready else f": older than {BACKUP_MAX_AGE.days} days."))
    return ReadinessItem(key="backups.recent", title=f"A backup within the last {BACKUP_MAX_AGE.days} days",
                         ready=ready, detail=detail, fix_url=reverse("readiness") + "#backups",
                         source="Incident procedure, section 8 (register kept at least five years)")


def check(now: datetime) -> list[ReadinessItem]:
    return [_tabletop(now), _reminders(now), _backups(now)]


@dataclass(frozen=True)
class Readiness:
    items: list[ReadinessItem]
    score: int          # 0–100: the weighted share of items that are ready
    checked_at: datetime

    @property
    def gaps(self) -> list[ReadinessItem]:
        return [item for item in self.items if not item.ready]

    def as_json(self) -> dict:
        return {"score": self.score, "checked_at": self.checked_at.isoformat(), "ready": not self.gaps,
                "items": [{"key": i.key, "title": i.title, "ready": i.ready, "detail": i.detail,
                           "fix_url": i.fix_url, "source": i.source, "weight": i.weight} for i in self.items],
                "gaps": [i.key for i in self.gaps]}


def assess(now: datetime | None = None) -> Readiness:
    """Every app's readiness items and the score: what the page, ``GET /api/readiness`` and
    ``incidentdesk readiness --json`` all show."""
    now = now or timezone.now()
    items = readiness.collect(now)
    total = sum(i.weight for i in items)
    score = round(100 * sum(i.weight for i in items if i.ready) / total) if total else 0
    return Readiness(items=items, score=score, checked_at=now)
