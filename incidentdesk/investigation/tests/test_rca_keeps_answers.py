"""The root-cause form keeps every answer when a check fails (issue 13), in the workspace of steps.

The workspace opens one step at a time; a refused analysis must come back inside an open "Investigate"
step with its form open, every answer as typed and the problem beside its field, whatever step is next.
"""

import re

from incidentdesk.investigation.models import RootCauseAnalysis

ANSWERS = {"rca-what_happened": "The bot invented a refund policy", "rca-why": "Nobody checked the answer",
           "rca-what_was_done": "Answer corrected", "rca-impact": "Two days of a wrong FAQ",
           "rca-what_changes": "A second reader for public texts", "rca-five_whys": "why?\nbecause",
           "rca-contributing_factors": "Deadline pressure", "rca-cause_categories": ["human_error"],
           "rca-complete": "on"}


def test_a_refused_analysis_keeps_every_answer_in_its_open_step(record, as_person):
    incident = record()  # level 2, nothing contained yet: "Contain" is the next step, not "Investigate"
    response = as_person("manager").post(f"/incidents/{incident.reference}/rca/", ANSWERS)
    page = response.content.decode()
    assert response.status_code == 400
    assert re.findall(r'<details class="step" id="step-([a-z]+)" name="workspace-step" open>', page) == ["investigate"]
    rca = page.split('id="rca"')[1].split("</section>")[0]
    assert "<details open>" in rca
    for name, value in ANSWERS.items():
        if name in ("rca-cause_categories", "rca-complete"):
            continue
        for line in value.splitlines():
            assert line in rca, name
    assert re.search(r'value="human_error"[^>]*checked', rca)
    assert re.search(r'name="rca-complete"[^>]*checked', rca)
    assert "Fix the system, not just the person" in rca.split('class="field has-error"')[1]
    assert not RootCauseAnalysis.objects.filter(incident=incident).exists()
