"""The dashboard's rollups: small tables that database triggers keep equal to the incidents (decision 206).

``IncidentFigure`` is one row per real incident with what the 12-month figures read from it (its day in the
organisation's calendar, categories, tools, durations to classify and to contain, deadlines met);
``DayCount`` sums those rows per day, so a year of figures is a few thousand small rows instead of a year of
incidents. ``ZoneOffset`` holds the organisation zone's UTC offsets so that SQL (a trigger included) can
name an incident's day on SQLite too, which has no time-zone database.

Nothing in Python writes these tables except ``rollups.rebuild``: the triggers (``triggers.py``, created by
the migrations) do it in the same statement as the change to an incident, a tool, a containment action or
an obligation, whichever code path (or raw SQL) made it.
"""

from django.db import models


class ZoneOffset(models.Model):
    """From ``start`` (UTC) on, the organisation's clocks are ``seconds`` ahead of UTC (negative: behind)."""

    zone = models.CharField(max_length=64)
    start = models.DateTimeField(unique=True)
    seconds = models.IntegerField()

    class Meta:
        ordering = ["start"]


class IncidentFigure(models.Model):
    """What one real incident adds to the dashboard's day counts (exercises have no row)."""

    incident_id = models.BigIntegerField(primary_key=True)  # no foreign key: the trigger removes the row itself
    day = models.DateField()
    categories = models.JSONField(default=list)  # ["uncategorised"] when the incident has none
    tools = models.JSONField(default=list)
    classify_us = models.BigIntegerField(null=True)  # detection to definitive classification, microseconds
    classify_bucket = models.IntegerField(null=True)
    contain_us = models.BigIntegerField(null=True)  # detection to the first containment action
    contain_bucket = models.IntegerField(null=True)
    done = models.IntegerField(default=0)  # obligations done with a due time
    on_time = models.IntegerField(default=0)  # of those, done by the due time
    status = models.CharField(max_length=16)  # open incidents by status and severity: an index-only count
    severity_level = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [
            # Covering (the id too, for "less the hidden incidents"): these queries never read the table.
            models.Index(fields=["status", "severity_level", "incident_id"], name="figure_open"),
            # The median's exact values: one histogram bucket, inside the window.
            models.Index(fields=["classify_bucket", "day", "classify_us", "incident_id"], name="figure_classify"),
            models.Index(fields=["contain_bucket", "day", "contain_us", "incident_id"], name="figure_contain"),
        ]


class Kind(models.TextChoices):
    CATEGORY = "category"
    TOOL = "tool"
    CLASSIFY = "classify"  # key: the duration's histogram bucket
    CONTAIN = "contain"
    DONE = "done"  # key: ""
    ON_TIME = "on_time"


class DayCount(models.Model):
    """How many real incidents detected on ``day`` have ``key`` of ``kind`` (summed ``IncidentFigure`` rows)."""

    day = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=200)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "day", "key"], name="day_count_once")]
        # The window's sums read this index alone (SQLite does not look the row up for ``n``).
        indexes = [models.Index(fields=["kind", "day", "key", "n"], name="day_count_sum")]
