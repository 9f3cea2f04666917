"""Exercise fixtures: an incident manager who facilitates, and the inventory the scenarios name."""

import pytest

from conftest import NOW


@pytest.fixture
def facilitator(people):
    people["manager"].email = "manager@example.org"
    people["manager"].save()
    return people["manager"]


@pytest.fixture
def inventory(organisation):
    from incidentdesk.inventory.services import save_tool

    save_tool(by=None, name="ChatGPT Team", provider="OpenAI", risk_class="gpai", owner="Founder")
    save_tool(by=None, name="Website chatbot", provider="In-house", risk_class="limited", owner="Founder")
    save_tool(by=None, name="CV screening assistant", provider="In-house", risk_class="high_risk", owner="Founder")


@pytest.fixture
def start(facilitator, inventory):
    from incidentdesk.preparedness import services

    def _start(scenario: str = "level2-publication", now=NOW):
        return services.start(scenario=scenario, by=facilitator, now=now)

    return _start
