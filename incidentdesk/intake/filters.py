"""The triage queue's filters and sort orders, one FilterSet for the page (and any later API list)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from incidentdesk import times

from .models import AlertSource, Kind, TriageItem, TriageStatus

REPORTS = "report"
SORTS = {"-last_seen": "Latest seen first", "last_seen": "Oldest seen first", "-first_seen": "Newest received first",
         "first_seen": "Oldest received first", "-count": "Most repeated first", "title": "Title"}
_DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def source_choices() -> list[tuple[str, str]]:
    """The public reporting channel, then each monitoring source by name."""
    sources = AlertSource.objects.order_by("name").values_list("slug", "name")
    return [(REPORTS, "Reports through the public channel"), *sources]


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), times.zone())


class TriageFilter(df.FilterSet):
    """Every filter starts blank except the status, which starts at "waiting": the queue is what needs a decision."""

    q = df.CharFilter(label="Text", method="filter_text")
    source = df.ChoiceFilter(label="Source", choices=[], method="filter_source", empty_label="Any source")
    status = df.ChoiceFilter(label="Status", choices=TriageStatus.choices, empty_label="Any status")
    received_from = df.DateFilter(label="Received from", method="filter_from", widget=_DAY)
    received_to = df.DateFilter(label="Received to", method="filter_to", widget=_DAY)
    sort = df.ChoiceFilter(label="Sort", choices=list(SORTS.items()), method="filter_sort", empty_label=None)

    class Meta:
        model = TriageItem
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        if data is None:
            data = {"status": TriageStatus.OPEN}
        super().__init__(data, queryset, **kwargs)
        self.filters["source"].extra["choices"] = source_choices()
        self.form.fields["source"].choices = [("", "Any source"), *source_choices()]

    def filter_text(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(title__icontains=value) | Q(details__icontains=value) | Q(reference__icontains=value))

    def filter_source(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(kind=Kind.REPORT) if value == REPORTS else qs.filter(source__slug=value)

    def filter_from(self, qs: QuerySet, name: str, value) -> QuerySet:
        return qs.filter(first_seen__gte=_midnight(value))

    def filter_to(self, qs: QuerySet, name: str, value) -> QuerySet:
        return qs.filter(first_seen__lt=_midnight(value + timedelta(days=1)))

    def filter_sort(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.order_by(value if value in SORTS else "-last_seen", "-pk")
