"""Forms for recording and editing incidents. They only parse input; the services validate and store.

The fact fields are generated from the assessment core's pydantic models, so a fact added there
appears here without a second list to keep in step.
"""

from __future__ import annotations

import typing
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from incidentdesk.assessment.facts import (
    Category,
    HarmFacts,
    MedicalDeviceFacts,
    PersonalDataFacts,
    ProductSecurityFacts,
)

from . import facts as incident_facts
from .models import DetectionSource, Status

TRI = [("", "Unknown"), ("yes", "Yes"), ("no", "No")]
TRI_VALUES = {"": None, "yes": True, "no": False}
LEVELS = [(1, "1 · Minor"), (2, "2 · Moderate"), (3, "3 · Major"), (4, "4 · Serious")]
FLAG_LABELS = {
    "published_externally": "Published externally",
    "caught_in_review": "Caught in review before use",
    "client_data_affected": "Client data affected",
    "automated_decision_without_human_review": "Automated decision without human review",
    "significant_incident": "NIS2 significant incident",
    "major_ict_incident": "DORA major ICT-related incident",
    "clients_financial_interests_affected": "Clients' financial interests affected (DORA)",
}


def tri_field(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=TRI, required=False, help_text=help_text,
                                  coerce=lambda v: TRI_VALUES[v], empty_value=None, widget=forms.RadioSelect)


def tri_initial(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if isinstance(value, datetime):  # Django has already made it naive in the current time zone
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


def datetime_field(label: str, required: bool = False, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=required, help_text=help_text, widget=LocalDateTimeInput,
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])


class QuickRecordForm(forms.Form):
    """The under-a-minute form: what, when, which tool, personal data, published."""

    title = forms.CharField(label="What happened", max_length=200,
                            help_text="One line, e.g. “Chatbot told a client a refund policy we do not have”")
    description = forms.CharField(label="Details (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    detected_at = datetime_field("When was it detected", required=True, help_text="In the organisation's time zone")
    tool = forms.CharField(label="Which AI tool", max_length=200, required=False,
                           widget=forms.TextInput(attrs={"list": "inventory-tools", "autocomplete": "off"}),
                           help_text="Pick from the inventory or type a name; an unknown name is flagged")
    personal_data = tri_field("Personal data involved")
    published_externally = tri_field("Published externally")

    def facts(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"published_externally": data.get("published_externally"),
                "personal_data": {"involved": data.get("personal_data")}}

    def tools(self) -> list[str]:
        name = (self.cleaned_data.get("tool") or "").strip()
        return [name] if name else []


def _annotation_field(name: str, annotation: Any, label: str) -> forms.Field:
    """A form field for one pydantic fact: tri-state, number, choice or comma-separated list."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if annotation == bool | None:
        return tri_field(label)
    if args and args[0] in (int, float):
        field_class = forms.IntegerField if args[0] is int else forms.FloatField
        return field_class(label=label, required=False, min_value=0)
    if args and typing.get_origin(args[0]) is typing.Literal:
        choices = [("", "Unknown")] + [(v, v.capitalize()) for v in typing.get_args(args[0])]
        return forms.ChoiceField(label=label, choices=choices, required=False)
    if args and typing.get_origin(args[0]) is list:
        inner = typing.get_args(args[0])[0]
        if typing.get_origin(inner) is typing.Literal:
            return forms.MultipleChoiceField(label=label, required=False, widget=forms.CheckboxSelectMultiple,
                                             choices=[(v, v.capitalize()) for v in typing.get_args(inner)])
        return forms.CharField(label=label, required=False, help_text="Comma-separated")
    raise TypeError(f"no form field for fact {name}")


#: The fact groups the full form edits, each as ``group__name`` fields.
GROUP_MODELS = {"personal_data": PersonalDataFacts, "harm": HarmFacts, "medical_device": MedicalDeviceFacts,
                "product_security": ProductSecurityFacts}


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


class IncidentForm(forms.Form):
    """The full form: every register field (seed §8) and every fact the assessment reads."""

    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea)
    detection_source = forms.ChoiceField(choices=DetectionSource.choices)
    detected_at = datetime_field("Detected at", required=True)
    occurred_at = datetime_field("Occurred at")
    aware_at = datetime_field("Aware at", help_text="GDPR/AI Act awareness, if later than detection")
    causal_link_established_at = datetime_field("Causal link established at")
    corrective_measure_available_at = datetime_field(
        "Fix or mitigation available at",
        help_text="When a security update or other fix for the exploited vulnerability became available "
                  "(Cyber Resilience Act: the final report is due 14 days later)")
    tools = forms.CharField(label="AI tools involved", required=False, help_text="Comma-separated names")
    categories = forms.MultipleChoiceField(choices=[(c.value, _label(c.value)) for c in Category], required=False,
                                           widget=forms.CheckboxSelectMultiple)
    data_classes = forms.CharField(label="Data classes involved", required=False, help_text="Comma-separated")
    affected_parties = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    LISTS = ("tools", "data_classes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for flag in incident_facts.FLAGS:
            self.fields[flag] = tri_field(FLAG_LABELS[flag])
        for group, model in GROUP_MODELS.items():
            for name, info in model.model_fields.items():
                self.fields[f"{group}__{name}"] = _annotation_field(name, info.annotation, _label(name))

    @classmethod
    def initial_for(cls, incident) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(incident, name) for name in (
            "title", "description", "detection_source", "detected_at", "occurred_at", "aware_at",
            "causal_link_established_at", "categories", "affected_parties")}
        initial["tools"] = ", ".join(link.name for link in incident.tools.all())
        initial["data_classes"] = ", ".join(incident.data_classes)
        for name in incident_facts.FACT_TIMESTAMPS:
            stamp = incident.facts.get(name)
            initial[name] = datetime.fromisoformat(stamp) if stamp else None
        for flag in incident_facts.FLAGS:
            initial[flag] = tri_initial(incident.facts.get(flag))
        for group in GROUP_MODELS:
            for name, value in (incident.facts.get(group) or {}).items():
                key = f"{group}__{name}"
                if isinstance(value, bool) or value is None:
                    initial[key] = tri_initial(value)
                elif isinstance(value, list) and key != "personal_data__lost":
                    initial[key] = ", ".join(value)
                else:
                    initial[key] = value
        return initial

    def changes(self) -> dict[str, Any]:
        """The service's change set: columns by name, facts as ``group.name``; blanks mean unknown."""
        changes: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if key.endswith("data_categories") and isinstance(value, str):  # typed: any case, as the list shows
                value = [part.strip().lower() for part in value.split(",") if part.strip()]
            elif key in self.LISTS:
                value = [part.strip() for part in value.split(",") if part.strip()]
            if isinstance(value, str) and key.startswith(tuple(f"{g}__" for g in GROUP_MODELS)) and value == "":
                value = None
            if key == "personal_data__lost" and value == []:
                value = None
            changes[key.replace("__", ".")] = value
        return changes


class ClassifyForm(forms.Form):
    prefix = "classify"
    level = forms.TypedChoiceField(label="Definitive level", choices=LEVELS, coerce=int)
    reasoning = forms.CharField(label="Reasoning", widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="Why this level: the facts that decide it (seed §6 step 3)")


class DecisionForm(forms.Form):
    prefix = "decision"
    notify_authority = forms.TypedChoiceField(label="Notify the supervisory authority (Art 33)",
                                              coerce=lambda v: v == "yes", choices=[("yes", "Yes"), ("no", "No")],
                                              widget=forms.RadioSelect)
    communicate_subjects = forms.TypedChoiceField(label="Communicate to data subjects (Art 34)",
                                                  coerce=lambda v: v == "yes", choices=[("yes", "Yes"), ("no", "No")],
                                                  widget=forms.RadioSelect)
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 2}))


class RestrictForm(forms.Form):
    prefix = "access"
    restricted = forms.BooleanField(label="Restricted: only the people named below can see it", required=False)
    people = forms.ModelMultipleChoiceField(queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                                            label="People who may see it")

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(required=False, max_length=500)
