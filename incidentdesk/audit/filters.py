"""The audit log's filters: person, incident, action and days (the organisation's days)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters as df
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from incidentdesk import times

from .models import AuditEvent
from .readable import ACTIONS

_DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), times.zone())


def people_choices() -> list[tuple[str, str]]:
    """Everyone who can act, by name, and "the system" (reminders, the demo, a rule)."""
    users = get_user_model().objects.order_by("username")
    return [*((u.username, u.get_full_name() or u.username) for u in users), ("system", "The system")]


class AuditFilter(df.FilterSet):
    person = df.ChoiceFilter(label="Person", field_name="actor_name", choices=[], empty_label="Anyone")
    incident = df.CharFilter(label="Incident id", method="filter_incident")
    action = df.ChoiceFilter(label="What", choices=sorted(ACTIONS.items(), key=lambda kv: kv[1]),
                             empty_label="Anything")
    date_from = df.DateFilter(label="From", method="filter_from", widget=_DAY)
    date_to = df.DateFilter(label="To", method="filter_to", widget=_DAY)

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["person"].extra["choices"] = people_choices()
        self.form.fields["person"].choices = [("", "Anyone"), *people_choices()]

    def filter_incident(self, qs, name, value):
        value = value.strip().upper()
        return qs.filter(incident_ref=value) if value else qs

    def filter_from(self, qs, name, value):
        return qs.filter(at__gte=_midnight(value))

    def filter_to(self, qs, name, value):
        return qs.filter(at__lt=_midnight(value + timedelta(days=1)))
