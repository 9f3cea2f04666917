"""Every page, every persona: allowed gives 2xx/3xx, denied gives 403 (NetBox's generated view tests idea).

Each row declares a URL, a method and who may use it; the matrix generates one test per persona.
"""

import pytest

from conftest import PERSONAS

EVERYONE = set(PERSONAS)
READERS = EVERYONE - {"reporter"}
EDITORS = {"administrator", "manager", "responder"}
MANAGERS = {"administrator", "manager"}

# (name, method, url template, data, allowed personas)
MATRIX = [
    ("dashboard", "get", "/", None, READERS),
    ("register", "get", "/incidents/", None, EVERYONE),
    ("export csv", "get", "/incidents/export.csv", None, READERS),
    ("export xlsx", "get", "/incidents/export.xlsx", None, READERS),
    ("record form", "get", "/incidents/record/", None, EDITORS | {"reporter"}),
    ("workspace", "get", "/incidents/{ref}/", None, READERS),
    ("edit form", "get", "/incidents/{ref}/edit/", None, EDITORS),
    ("classify", "post", "/incidents/{ref}/classify/", {"classify-level": "3", "classify-reasoning": "Personal data"}, MANAGERS),
    ("add containment", "post", "/incidents/{ref}/containment/",
     {"containment-kind": "stop_operation", "containment-taken_at": "2026-11-20T09:00",
      "containment-taken_by": "Ana", "containment-result": "effective"}, EDITORS),
    ("restrict", "post", "/incidents/{ref}/access/", {"access-restricted": ""}, MANAGERS),
    ("inventory", "get", "/inventory/", None, READERS),
    ("add tool form", "get", "/inventory/add/", None, MANAGERS),
    ("organisation", "get", "/organisation/", None, READERS),
    ("organisation save", "post", "/organisation/", {"name": "Test BV", "country": "BE", "time_zone": "Europe/Brussels",
                                                     "ai_act_role": "deployer", "gdpr_role": "controller",
                                                     "retention_years": "5"}, {"administrator"}),
    ("audit log", "get", "/audit/", None, {"administrator", "auditor"}),
    ("chart", "get", "/dashboard/charts/per-tool.svg", None, READERS),
]


@pytest.mark.parametrize("persona", sorted(PERSONAS))
@pytest.mark.parametrize(("name", "method", "url", "data", "allowed"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(as_person, record, persona, name, method, url, data, allowed):
    incident = record()
    client = as_person(persona)
    response = getattr(client, method)(url.format(ref=incident.reference), data or {})
    if persona in allowed:
        assert response.status_code < 400, f"{persona} should be allowed to use {name}"
    elif name == "dashboard":
        assert response.status_code == 302  # reporters are sent to their own reports
    else:
        assert response.status_code in (403, 404), f"{persona} must not use {name}"
