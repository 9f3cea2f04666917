"""The AI tool inventory: add and change tools, refused input stores nothing, every change audited."""

import json

import pytest

from conftest import table_counts
from incidentdesk.audit.models import AuditEvent
from incidentdesk.inventory.models import AITool
from incidentdesk.inventory.services import ToolRefused, find_tool, save_tool


def state():
    return table_counts() | {"tools": list(AITool.objects.values())}


def test_a_tool_is_added_and_changed_with_an_audit_event_each(db, manager):
    tool = save_tool(by=manager, name="ChatGPT Team", provider="OpenAI", risk_class="gpai")
    assert find_tool(" chatgpt team ") == tool
    assert not tool.high_risk
    save_tool(by=manager, tool=tool, risk_class="high_risk", owner="Ana")
    tool.refresh_from_db()
    assert tool.high_risk
    assert tool.owner == "Ana"
    created, updated = AuditEvent.objects.filter(object_type="aitool").order_by("seq")
    assert (created.action, updated.action) == ("tool.created", "tool.updated")
    assert created.actor_name == updated.actor_name == "manager"
    change = json.loads(updated.data)
    assert change["before"]["risk_class"] == "gpai"
    assert change["after"]["risk_class"] == "high_risk"


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": "", "risk_class": "gpai"}, "name:"),
    ({"name": "Bot", "risk_class": "dangerous"}, "risk_class:"),
    ({"name": "x" * 201}, "name:"),
])
def test_invalid_tools_are_refused_and_store_nothing(db, manager, fields, message):
    before = state()
    with pytest.raises(ToolRefused, match=message):
        save_tool(by=manager, **fields)
    assert state() == before


def test_a_second_tool_with_the_same_name_is_refused(db, manager):
    save_tool(by=manager, name="Copilot")
    before = state()
    with pytest.raises(ToolRefused, match="name:"):
        save_tool(by=manager, name="Copilot", provider="Someone else")
    assert state() == before


def test_a_refused_change_leaves_the_stored_tool_as_it_was(db, manager):
    tool = save_tool(by=manager, name="Copilot", risk_class="limited")
    before = state()
    with pytest.raises(ToolRefused, match="risk_class:"):
        save_tool(by=manager, tool=tool, risk_class="unknown")
    assert state() == before
