"""The signed-in person's own page: their role, their password, and their API tokens (shown once, stored hashed)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from incidentdesk.audit import services as audit
from incidentdesk.refusals import Refused
from incidentdesk.reminders.models import CalendarFeed, Preference

from . import tokens
from .models import ApiToken, Scope


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What it is for, e.g. “Grafana alerts”")
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user=None, **kwargs):
        """Offers only the scopes the person's role can use (a token never does more than its owner)."""
        super().__init__(*args, **kwargs)
        allowed = tokens.allowed_scopes(user)
        self.fields["scopes"].choices = [(v, label) for v, label in Scope.choices if v in allowed]


@login_required
def account(request):
    form = TokenForm(request.POST or None, user=request.user)
    shown = None
    if request.method == "POST" and form.is_valid():
        try:
            _, shown = tokens.create_token(user=request.user, by=request.user, **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm(user=request.user)
    return render(request, "accounts/account.html", {
        "form": form, "shown": shown, "tokens": ApiToken.objects.filter(user=request.user),
        "pref": Preference.objects.filter(user=request.user).first(),
        "has_feed": CalendarFeed.objects.filter(user=request.user).exists(),
        "password_form": PasswordChangeForm(request.user)})


@login_required
@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    tokens.revoke_token(token=token, by=request.user)
    messages.success(request, f"Revoked {token.name}.")
    return redirect("account")


class PasswordChange(auth_views.PasswordChangeView):
    """Django's own password change (the current password, then the new one twice, checked by the password
    validators). The person stays signed in here (Django updates the session's hash), other sessions of theirs
    end; the change is an audit event, in the same transaction, and no password is ever written there."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(action="account.password_changed", object_type="user", object_id=self.request.user.pk,
                         by=self.request.user, summary=f"{self.request.user.get_username()} changed their password")
        messages.success(self.request, "Your password was changed. You stay signed in here; other sessions of "
                                       "yours were signed out.")
        return response
