"""Forms for recording and editing incidents. They only parse input; the services validate and store.

The fact fields are generated from the assessment core's pydantic models, so a fact added there
appears here without a second list to keep in step; their labels, help and "why we ask" come from the one
vocabulary (``assessment/vocabulary``), never from the field names.
"""

from __future__ import annotations

import typing
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from incidentdesk.assessment import vocabulary
from incidentdesk.assessment.categories import category_labels
from incidentdesk.assessment.facts import HarmFacts, MedicalDeviceFacts, PersonalDataFacts, ProductSecurityFacts
from incidentdesk.procedure.references import readable

from . import facts as incident_facts
from .models import DetectionSource, Status

TRI = [("", vocabulary.YES_NO[None]), ("yes", vocabulary.YES_NO[True]), ("no", vocabulary.YES_NO[False])]
TRI_VALUES = {"": None, "yes": True, "no": False}
LEVELS = [(1, "1 · Minor"), (2, "2 · Moderate"), (3, "3 · Major"), (4, "4 · Serious")]


def with_words(field: forms.Field, path: str) -> forms.Field:
    """Give a form field the fact's label, help text and "why we ask" from the vocabulary."""
    field.label = vocabulary.label(path)
    field.help_text = vocabulary.help(path)
    field.why = vocabulary.why(path)  # shown under the help by _field.html
    return field


def tri_field(label: str = "", help_text: str = "", path: str = "") -> forms.TypedChoiceField:
    field = forms.TypedChoiceField(label=label, choices=TRI, required=False, help_text=help_text,
                                   coerce=lambda v: TRI_VALUES[v], empty_value=None, widget=forms.RadioSelect)
    return with_words(field, path) if path else field


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


def fact_datetime_field(path: str, required: bool = False) -> forms.DateTimeField:
    """A date-and-time fact, with the vocabulary's words."""
    return with_words(datetime_field("", required=required), path)


class QuickRecordForm(forms.Form):
    """The under-a-minute form: what, when, which tool, personal data, published."""

    title = forms.CharField(label="What happened", max_length=200,
                            help_text="One line, e.g. “Chatbot told a client a refund policy we do not have”")
    description = forms.CharField(label="Details (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    detected_at = fact_datetime_field("detected_at", required=True)
    tool = with_words(forms.CharField(max_length=200, required=False, widget=forms.TextInput(
        attrs={"list": "inventory-tools", "autocomplete": "off"})), "tools[].name")
    personal_data = tri_field(path="personal_data.involved")
    published_externally = tri_field(path="published_externally")

    def facts(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"published_externally": data.get("published_externally"),
                "personal_data": {"involved": data.get("personal_data")}}

    def tools(self) -> list[str]:
        name = (self.cleaned_data.get("tool") or "").strip()
        return [name] if name else []


def _annotation_field(path: str, annotation: Any) -> forms.Field:
    """A form field for one pydantic fact: tri-state, number, choice or comma-separated list."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if path == "personal_data.data_categories":
        return with_words(forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                                    choices=list(category_labels().items())), path)
    if typing.get_origin(annotation) is list:  # a list that is never unknown: empty means none
        field = with_words(forms.CharField(required=False), path)
        field.help_text = f"{field.help_text} Separate several with commas.".strip()
        return field
    if annotation == bool | None:
        return tri_field(path=path)
    if args and args[0] in (int, float):
        field_class = forms.IntegerField if args[0] is int else forms.FloatField
        return with_words(field_class(required=False, min_value=0), path)
    if args and typing.get_origin(args[0]) is typing.Literal:
        choices = [("", vocabulary.YES_NO[None])] + vocabulary.choices(path)
        return with_words(forms.ChoiceField(choices=choices, required=False), path)
    if args and typing.get_origin(args[0]) is list:
        inner = typing.get_args(args[0])[0]
        if typing.get_origin(inner) is typing.Literal:
            return with_words(forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                                        choices=vocabulary.choices(path)), path)
        field = with_words(forms.CharField(required=False), path)
        field.help_text = f"{field.help_text} Separate several with commas.".strip()
        return field
    raise TypeError(f"no form field for fact {path}")


#: The fact groups the full form edits, each as ``group__name`` fields.
GROUP_MODELS = {"personal_data": PersonalDataFacts, "harm": HarmFacts, "medical_device": MedicalDeviceFacts,
                "product_security": ProductSecurityFacts}



class IncidentForm(forms.Form):
    """The full form: every register field (seed §8) and every fact the assessment reads."""

    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="Description", widget=forms.Textarea)
    detection_source = forms.ChoiceField(label="How it was detected", choices=DetectionSource.choices)
    detected_at = fact_datetime_field("detected_at", required=True)
    occurred_at = fact_datetime_field("occurred_at")
    aware_at = fact_datetime_field("aware_at")
    causal_link_suspected_at = fact_datetime_field("causal_link_suspected_at")
    causal_link_established_at = fact_datetime_field("causal_link_established_at")
    corrective_measure_available_at = fact_datetime_field("corrective_measure_available_at")
    tools = with_words(forms.CharField(required=False), "tools[]")
    tools.help_text += " Separate several with commas."
    categories = with_words(forms.MultipleChoiceField(choices=vocabulary.choices("categories"), required=False,
                                                      widget=forms.CheckboxSelectMultiple), "categories")
    affected_parties = forms.CharField(label="Affected parties", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    LISTS = ("tools",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for flag in incident_facts.FLAGS:
            self.fields[flag] = tri_field(path=flag)
        for group, model in GROUP_MODELS.items():
            for name, info in model.model_fields.items():
                self.fields[f"{group}__{name}"] = _annotation_field(f"{group}.{name}", info.annotation)

    @classmethod
    def initial_for(cls, incident) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(incident, name) for name in (
            "title", "description", "detection_source", "detected_at", "occurred_at", "aware_at",
            "causal_link_suspected_at", "causal_link_established_at", "categories", "affected_parties")}
        initial["tools"] = ", ".join(link.name for link in incident.tools.all())
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
                elif isinstance(value, list) and key not in ("personal_data__lost", "personal_data__data_categories"):
                    initial[key] = ", ".join(value)
                else:
                    initial[key] = value
        return initial

    def changes(self) -> dict[str, Any]:
        """The service's change set: columns by name, facts as ``group.name``; blanks mean unknown."""
        changes: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if key in self.LISTS or key == "personal_data__other_data_categories":
                value = [part.strip() for part in value.split(",") if part.strip()]
            if isinstance(value, str) and key.startswith(tuple(f"{g}__" for g in GROUP_MODELS)) and value == "":
                value = None
            if key in ("personal_data__lost", "personal_data__data_categories") and value == []:
                value = None
            changes[key.replace("__", ".")] = value
        return changes


class ClassifyForm(forms.Form):
    prefix = "classify"
    level = forms.TypedChoiceField(label="Definitive level", choices=LEVELS, coerce=int)
    reasoning = forms.CharField(label="Reasoning", widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=readable("Why this level: the facts that decide it (seed §6 step 3)"))


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


class PersonChoiceField(forms.ModelChoiceField):
    """A person, sent by username and shown by name. Every active person is accepted here; the service
    refuses, with a message, one who cannot see the incident or whose role may not do the work."""

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def person_field(label: str, required: bool = True) -> PersonChoiceField:
    from django.contrib.auth import get_user_model

    return PersonChoiceField(label=label, required=required, to_field_name="username", empty_label="No one",
                             queryset=get_user_model().objects.filter(is_active=True).order_by("username"))


class AssignForm(forms.Form):
    """Who does a task and by when: the assign form of every panel (containment, clocks, actions, lessons,
    drafts). Each app's forms.py names its own, leaving out the due time where the law sets it."""

    assignee = person_field("Assigned to", required=False)
    due_at = datetime_field("Due")


class OwnerForm(forms.Form):
    """The incident's owner: the incident manager who runs it."""

    owner = person_field("Owner (incident manager)", required=False)
