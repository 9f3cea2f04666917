"""The incident procedure page: its sections, so a reference like "section 4, level 3" can be followed."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .references import procedure as shipped_procedure


@login_required
def procedure(request):
    return render(request, "procedure/procedure.html", {"procedure": shipped_procedure()})
