"""The register's filters, shared by the web page, its exports, the CLI and the API (django-filter)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import django_filters as df
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from incidentdesk.assessment import vocabulary
from incidentdesk.obligations.models import Obligation, ObligationStatus

from .models import Incident, Status
from .search import search_incidents

CATEGORY_CHOICES = vocabulary.choices("categories")
LEVEL_CHOICES = [(1, "1 Minor"), (2, "2 Moderate"), (3, "3 Major"), (4, "4 Serious")]
STATUS_CHOICES = [("open", "Open (not closed)"), *Status.choices]
REGIME_CHOICES = [("internal", "Internal procedure"), ("gdpr", "GDPR"), ("ai_act", "EU AI Act"), ("nis2", "NIS2"),
                  ("dora", "DORA"), ("california_sb53", "California SB 53"), ("new_york_raise", "New York RAISE")]
# Exercises (issue 15) are left out unless asked for: the register's default view shows real incidents only.
EXERCISE_CHOICES = [("", "Real incidents only"), ("include", "Real incidents and exercises"),
                    ("only", "Exercises only")]
ORDERINGS = {"detected": "Newest first", "-detected": "Oldest first", "severity": "Most severe first",
             "reference": "Id", "title": "Title"}
_ORDER_BY = {"detected": ("-detected_at",), "-detected": ("detected_at",),
             "severity": ("-severity_level", "-detected_at"), "reference": ("-year", "-number"), "title": ("title",)}


def _day_start(value) -> datetime | None:
    """Midnight of ``value`` in the current time zone, or None when that instant (or the same instant in
    UTC, as the database compares it) is beyond what a datetime holds: 0001-01-01 east of UTC, 9999-12-31
    and its next day. A bound outside the representable range excludes nothing."""
    try:
        start = timezone.make_aware(datetime.combine(value, time.min), timezone.get_current_timezone())
        start.astimezone(UTC)
    except OverflowError:
        return None
    return start


class RegisterFilter(df.FilterSet):
    q = df.CharFilter(label="Search", method="filter_text")
    # A blank first choice: without it the select submits "1 Minor" on every Filter click (found by a review).
    severity = df.TypedChoiceFilter(field_name="severity_level", label="Severity", coerce=int,
                                    choices=[("", "Any level"), *LEVEL_CHOICES])
    severity_min = df.TypedChoiceFilter(label="At least", choices=[("", "Any level"), *LEVEL_CHOICES], coerce=int,
                                        method="filter_min")
    status = df.ChoiceFilter(label="Status", choices=STATUS_CHOICES, method="filter_status")
    category = df.ChoiceFilter(label="Category", choices=CATEGORY_CHOICES, method="filter_category")
    tool = df.CharFilter(label="AI tool", field_name="tools__name", lookup_expr="iexact")
    detected_from = df.DateFilter(label="Detected from", method="filter_from")
    detected_to = df.DateFilter(label="Detected to", method="filter_to")
    regime = df.ChoiceFilter(label="Regime", choices=REGIME_CHOICES, method="filter_regime")
    overdue = df.BooleanFilter(label="Overdue clocks only", method="filter_overdue")
    year = df.NumberFilter(field_name="year")
    exercises = df.ChoiceFilter(label="Exercises", choices=EXERCISE_CHOICES[1:], empty_label=EXERCISE_CHOICES[0][1],
                                method="filter_exercises")
    sort = df.ChoiceFilter(label="Sort", choices=list(ORDERINGS.items()), method="filter_sort", empty_label=None)

    class Meta:
        model = Incident
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet[Incident]:
        qs = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("exercises"):
            qs = qs.real()
        if not getattr(self.form, "cleaned_data", {}).get("sort"):
            qs = qs.order_by("-detected_at")
        return qs

    def filter_text(self, qs, name, value):
        return search_incidents(qs, value) if value.strip() else qs

    def filter_exercises(self, qs, name, value):
        return qs.filter(is_exercise=True) if value == "only" else qs

    def filter_min(self, qs, name, value):
        return qs.filter(severity_level__gte=value)

    def filter_status(self, qs, name, value):
        return qs.exclude(status=Status.CLOSED) if value == "open" else qs.filter(status=value)

    def filter_category(self, qs, name, value):
        return qs.filter(categories__icontains=f'"{value}"')

    def filter_from(self, qs, name, value):
        start = _day_start(value)
        return qs if start is None else qs.filter(detected_at__gte=start)

    def filter_to(self, qs, name, value):
        # 9999-12-31 has no next day (found by an attacker: a 500): the bound is then "any time".
        end = _day_start(value + timedelta(days=1)) if value < date.max else None
        return qs if end is None else qs.filter(detected_at__lt=end)

    def filter_regime(self, qs, name, value):
        # One covering-index scan of the obligations (index obligation_regime), not a check per incident.
        applies = Obligation.objects.filter(regime=value, status__in=[
            ObligationStatus.PENDING, ObligationStatus.MAY_APPLY, ObligationStatus.DONE]).order_by().values(
            "incident_id")
        if connection.vendor != "sqlite":
            return qs.filter(pk__in=applies)
        # A regime applies to many incidents: "+id" keeps SQLite walking the register in the page's order
        # and checking each row against the set, instead of fetching and sorting the whole set.
        sql, params = applies.query.sql_with_params()
        return qs.filter(RawSQL(f"+{qs.model._meta.db_table}.id IN ({sql})", params, output_field=BooleanField()))

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        # Few clocks are overdue: their incidents as a set (index on status, due_at), not a check per incident.
        late = Obligation.objects.filter(status=ObligationStatus.PENDING, due_at__lt=timezone.now()).values(
            "incident_id")
        return qs.filter(pk__in=late) if value else qs.exclude(pk__in=late)

    def filter_sort(self, qs, name, value):
        return qs.order_by(*_ORDER_BY.get(value, ("-detected_at",)))
