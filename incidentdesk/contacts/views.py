"""The contacts and escalation directory (seed §7), with a warning on contacts older than 12 months."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from incidentdesk.accounts.permissions import Capability
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.web import refuse_on_form, require

from . import services
from .forms import ContactForm
from .models import Contact


@login_required
def directory(request):
    require(request, Capability.VIEW_REGISTER)
    contacts = list(Contact.objects.all())
    return render(request, "contacts/directory.html",
                  {"contacts": [(c, c.stale()) for c in contacts], "stale": sum(c.stale() for c in contacts)})


@login_required
@submitted_once
def edit(request, pk: int | None = None):
    require(request, Capability.MANAGE_INVENTORY)
    contact = get_object_or_404(Contact, pk=pk) if pk else None
    initial = {"kind": request.GET["kind"]} if not pk and request.GET.get("kind") else None  # "add one" links
    form = ContactForm(request.POST or None, instance=Contact.objects.get(pk=pk) if pk else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact(by=request.user, contact=contact, **form.cleaned_data)
        except services.ContactRefused as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Contact saved.")
            return redirect("contacts")
    return render(request, "contacts/edit.html", {"form": form, "contact": contact},
                  status=400 if form.errors else 200)
