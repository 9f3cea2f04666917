"""The organisation profile: everyone signed in may read it (it decides the regimes); administrators edit it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render

from incidentdesk.accounts.permissions import Capability, can
from incidentdesk.web import refuse_on_form, require

from . import services
from .forms import ProfileForm
from .models import Organisation


@login_required
def profile(request):
    require(request, Capability.VIEW_REGISTER)
    current = Organisation.objects.filter(pk=1).first()
    editing = can(request.user, Capability.MANAGE_ORGANISATION)
    form = ProfileForm(request.POST or None, instance=Organisation.objects.filter(pk=1).first())
    if request.method == "POST":
        require(request, Capability.MANAGE_ORGANISATION)
        if form.is_valid():
            fields = {k: v for k, v in model_to_dict(form.instance).items() if k not in ("id", "updated_at")}
            try:
                services.save_profile(by=request.user, **fields)
            except services.ProfileRefused as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(request, "Profile saved. New assessments use it; past obligations keep their "
                                          "terms until an incident is re-evaluated.")
                return redirect("organisation")
    return render(request, "organisation/profile.html", {"form": form, "organisation": current, "editing": editing},
                  status=400 if form.errors else 200)
