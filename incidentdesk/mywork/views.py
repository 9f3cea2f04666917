"""The "My work" page: what is mine to do, across incidents."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from incidentdesk.accounts.permissions import Capability
from incidentdesk.web import require

from .services import my_work


@login_required
def page(request):
    require(request, Capability.VIEW_WORKSPACE)
    mine = my_work(request.user, timezone.now())
    rows = [(item, mine.overdue(item)) for item in mine.tasks]
    owned = [(item, mine.overdue(item)) for item in mine.owned]
    return render(request, "mywork/page.html", {"rows": rows, "owned": owned, "mine": mine,
                                                "now": mine.now, "soon": mine.now + timedelta(hours=24)})
