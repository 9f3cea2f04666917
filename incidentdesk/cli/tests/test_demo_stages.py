"""The demo looks like a register in use (issue 13): incidents at believable stages, one overdue clock outside the
tabletop scenario (left as recorded for the exercise), owners, tags, and times to classify in hours, not weeks."""

from collections import Counter

from django.contrib.auth import get_user_model
from django.utils import timezone

from incidentdesk.cli import demo
from incidentdesk.dashboard.services import build
from incidentdesk.incidents.models import Incident
from incidentdesk.obligations.models import Obligation, ObligationStatus


def test_the_demo_incidents_are_at_believable_stages(db, settings, tmp_path):
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    demo.load()
    statuses = Counter(Incident.objects.values_list("status", flat=True))
    assert statuses["closed"] == 2
    assert statuses["detected"] <= 2
    assert statuses["classified"] >= 3
    assert statuses["investigating"] >= 1
    late = Obligation.objects.filter(status=ObligationStatus.PENDING, due_at__lt=timezone.now()).exclude(
        incident__title__startswith="Tabletop scenario")
    assert [o.incident.title.split(" (")[0] for o in late] == ["Chat history and payment details exposed to other users"]
    dashboard = build(user=get_user_model().objects.get(username="manager"))
    assert dashboard.median_hours_to_classify is not None
    assert dashboard.median_hours_to_classify < 24
    assert Incident.objects.filter(owner__username="manager").count() >= 8
    assert Incident.objects.filter(tags__name="chatbot").count() == 2
