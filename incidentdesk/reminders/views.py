from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from . import calendar
from .models import Preference


def ics(request, token: str):
    """The private feed: the token in the link is the credential (calendar apps cannot sign in)."""
    user = calendar.owner(token)
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(calendar.feed(user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def new_calendar(request):
    token = calendar.new_feed(request.user)
    messages.success(request, f"Your private calendar link (add it to your calendar app; it replaces any earlier "
                              f"link): {request.build_absolute_uri(f'/calendar/{token}.ics')}")
    return redirect("account")


@login_required
@require_POST
def preferences(request):
    pref, _ = Preference.objects.get_or_create(user=request.user)
    pref.email = request.POST.get("email") == "on"
    pref.slack_url = request.POST.get("slack_url", "").strip()
    pref.webhook_url = request.POST.get("webhook_url", "").strip()
    pref.webhook_secret = request.POST.get("webhook_secret", "").strip() or pref.webhook_secret
    try:
        pref.full_clean()
    except Exception as exc:  # noqa: BLE001 - a validation error is shown, nothing saved
        messages.error(request, f"Nothing was saved: {exc}")
        return redirect("account")
    pref.save()
    messages.success(request, "Reminder preferences saved.")
    return redirect("account")
