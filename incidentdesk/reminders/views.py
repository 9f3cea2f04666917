from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from . import calendar
from .preferences import PreferencesRefused, save_preferences


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
    token = calendar.new_feed(request.user, by=request.user)
    messages.success(request, f"Your private calendar link (add it to your calendar app; it replaces any earlier "
                              f"link): {request.build_absolute_uri(f'/calendar/{token}.ics')}")
    return redirect("account")


@login_required
@require_POST
def remove_calendar(request):
    if calendar.remove_feed(request.user, by=request.user):
        messages.success(request, "Your calendar link was removed: calendar apps using it get nothing any more.")
    else:
        messages.info(request, "You had no calendar link.")
    return redirect("account")


@login_required
@require_POST
def preferences(request):
    try:
        save_preferences(user=request.user, by=request.user, email=request.POST.get("email") == "on",
                         slack_url=request.POST.get("slack_url", ""), webhook_url=request.POST.get("webhook_url", ""),
                         webhook_secret=request.POST.get("webhook_secret", ""))
    except PreferencesRefused as exc:
        messages.error(request, f"Nothing was saved. {exc}")
        return redirect("account")
    messages.success(request, "Reminder preferences saved.")
    return redirect("account")
