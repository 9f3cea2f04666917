"""One answer for data categories (issue 12): the register's free-text "data classes" become the facts'
personal data categories (``personal_data.data_categories``), and the column goes.

Each word is mapped case-insensitively to a listed category (or a known synonym, frozen here so later edits of
the list do not change what this migration did); a word that fits none is kept verbatim in
``personal_data.other_data_categories``, shown wherever the categories are, so nothing written is lost. Going
back restores the column from both lists. The column itself goes in the next migration (PostgreSQL refuses to
alter a table with row updates pending in the same transaction).
"""

from django.db import migrations

#: The category names of gdpr.toml on 2026-12-02 and the synonyms the migration reads.
CATEGORIES = {"simple", "name", "contact", "identity", "biographical", "education", "professional", "family",
              "behavioural", "location", "traffic", "preferences", "browsing", "communications", "prompts",
              "financial", "payment", "bank", "credentials", "sensitive", "health", "biometric", "genetic",
              "political", "religious", "sexual", "ethnic", "criminal"}
SYNONYMS = {
    "email": "contact", "e-mail": "contact", "email address": "contact", "phone": "contact", "address": "contact",
    "contact details": "contact", "names": "name", "medical": "health", "health data": "health",
    "card": "payment", "credit card": "payment", "payment card": "payment", "iban": "bank",
    "bank account": "bank", "password": "credentials", "passwords": "credentials", "login": "credentials",
    "location data": "location", "gps": "location", "biometrics": "biometric", "criminal record": "criminal",
    "chat": "prompts", "chats": "prompts", "chat logs": "prompts", "messages": "communications",
}


def _merge(facts: dict, words: list) -> dict:
    data = dict(facts.get("personal_data") or {})
    categories = list(data.get("data_categories") or [])
    others = list(data.get("other_data_categories") or [])
    for word in (str(w).strip() for w in words):
        if not word:
            continue
        key = SYNONYMS.get(word.lower(), word.lower())
        if key in CATEGORIES:
            if key not in categories:
                categories.append(key)
        elif word not in others:
            others.append(word)
    if categories:
        data["data_categories"] = categories
    if others:
        data["other_data_categories"] = others
    return {**facts, "personal_data": data} if (categories or others) else facts


def forwards(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    for incident in Incident.objects.only("pk", "facts", "data_classes").iterator():
        if incident.data_classes:
            incident.facts = _merge(incident.facts or {}, incident.data_classes)
            incident.save(update_fields=["facts"])


def backwards(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    for incident in Incident.objects.only("pk", "facts").iterator():
        data = (incident.facts or {}).get("personal_data") or {}
        words = list(data.get("data_categories") or []) + list(data.get("other_data_categories") or [])
        if words:
            incident.data_classes = words
            incident.save(update_fields=["data_classes"])


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0008_deleted_incident'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
