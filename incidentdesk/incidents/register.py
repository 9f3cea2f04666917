"""Register queries shared by the web page, the CLI and the export: filters and next deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page
from django.db.models import Min, QuerySet

from incidentdesk.obligations.models import Obligation, ObligationStatus

from .filters import RegisterFilter
from .models import Incident
from .paging import RegisterPaginator


def filter_register(qs: QuerySet[Incident], params: Mapping[str, Any], user: Any = None) -> QuerySet[Incident]:
    """Apply the register's filters (see ``filters.RegisterFilter``); invalid values are ignored.

    ``user`` is who "me" is in the owner filter (a saved view such as "My open incidents")."""
    data = {k: v for k, v in params.items() if v not in (None, "")}
    return RegisterFilter(data, queryset=qs, user=user).qs


@dataclass
class RegisterPage:
    filter: RegisterFilter
    page: Page
    rows: list[tuple[Incident, datetime | None]]
    hidden_exercises: int = 0


def register_page(*, user: Any, params: Mapping[str, Any], number: Any = 1, per_page: int = 50) -> RegisterPage:
    """One page of the register as ``user`` may see it: filtered, sorted, with each incident's next deadline.

    The web page and the benchmark both call this, so the benchmark measures what a person waits for.
    """

    filterset = RegisterFilter.for_person(params or None, user)
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    # Counting every match of a text search or a regime costs more than the page: stop at 1,000.
    broad = bool((data.get("q") or "").strip() or data.get("regime"))
    page = RegisterPaginator(filterset.qs, per_page, capped=broad, counter=filterset.count).get_page(number)
    # The legal holds too: the row's hold badge read each incident's holds (50 queries a page, decision 251).
    rows = list(page.object_list.select_related("owner").prefetch_related("tools", "tags", "legal_holds"))
    deadlines = next_deadlines([i.pk for i in rows], user)
    return RegisterPage(filterset, page, [(i, deadlines.get(i.pk)) for i in rows], filterset.hidden_exercises())


def next_deadlines(incident_ids: list[int], user: Any = None) -> dict[int, datetime]:
    """The earliest pending due time for each incident on one page (one query).

    With ``user`` (a person's page), only clocks that person may see: a reporter follows the status of its
    reports, not their clocks. The CLI, run by the operator, passes none.
    """
    clocks = Obligation.objects.visible_to(user) if user is not None else Obligation.objects.all()
    rows = (clocks.filter(incident_id__in=incident_ids, status=ObligationStatus.PENDING, due_at__isnull=False)
            .values("incident_id").annotate(next_due=Min("due_at")))
    return {row["incident_id"]: row["next_due"] for row in rows}
