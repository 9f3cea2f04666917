"""The AI tool inventory: list, one tool with its incidents, add and change (audited by the service)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render

from incidentdesk.accounts.permissions import Capability
from incidentdesk.idempotency.web import submitted_once
from incidentdesk.incidents.models import Incident
from incidentdesk.web import refuse_on_form, require

from . import services
from .forms import ToolForm
from .models import AITool


@login_required
def inventory(request):
    """Every tool with the number of its incidents the person may see (a hidden incident is not counted)."""
    require(request, Capability.VIEW_REGISTER)
    visible = Incident.objects.visible_to(request.user).real().values("pk")  # exercises are in no figure
    tools = AITool.objects.annotate(incident_count=Count(
        "incident_links", filter=Q(incident_links__incident__in=visible), distinct=True))
    return render(request, "inventory/list.html", {"tools": tools})


@login_required
def tool_detail(request, pk: int):
    require(request, Capability.VIEW_REGISTER)
    tool = get_object_or_404(AITool, pk=pk)
    incidents = Incident.objects.visible_to(request.user).real().filter(tools__tool=tool).order_by("-detected_at")[:100]
    return render(request, "inventory/detail.html", {"tool": tool, "incidents": incidents})


@login_required
@submitted_once
def tool_edit(request, pk: int | None = None):
    require(request, Capability.MANAGE_INVENTORY)
    tool = get_object_or_404(AITool, pk=pk) if pk else None
    # "Add X to the inventory" from an incident's workspace names the tool: ?name=X fills it in.
    initial = {} if pk else {"name": request.GET.get("name", "").strip()[:200]}
    form = ToolForm(request.POST or None, instance=AITool.objects.get(pk=pk) if pk else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tool = services.save_tool(by=request.user, tool=tool, **form.cleaned_data)
        except services.ToolRefused as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"Saved {tool.name} in the inventory.")
            return redirect("tool-detail", tool.pk)
    return render(request, "inventory/edit.html", {"form": form, "tool": tool}, status=400 if form.errors else 200)
