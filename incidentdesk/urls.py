from django.contrib import admin
from django.urls import include, path

from incidentdesk import admin_policy
from incidentdesk.api import api

handler400 = "incidentdesk.toobig.bad_request"  # RequestDataTooBig while parsing: 413, not 400

admin_policy.enforce(admin.site)  # every admin of incidents and what hangs off them follows the access policy

urlpatterns = [
    path("api/", api.urls),
    path("", include("incidentdesk.dashboard.urls")),
    path("", include("incidentdesk.accounts.urls")),
    path("", include("incidentdesk.containment.urls")),
    path("", include("incidentdesk.evidence.urls")),
    path("", include("incidentdesk.notifications.urls")),
    path("", include("incidentdesk.investigation.urls")),
    path("", include("incidentdesk.capa.urls")),
    path("", include("incidentdesk.documents.urls")),
    path("", include("incidentdesk.breaches.urls")),
    path("", include("incidentdesk.incidents.urls")),
    path("", include("incidentdesk.obligations.urls")),
    path("", include("incidentdesk.contacts.urls")),
    path("", include("incidentdesk.lessons.urls")),
    path("", include("incidentdesk.routing.urls")),
    path("", include("incidentdesk.intake.urls")),
    path("", include("incidentdesk.linking.urls")),
    path("", include("incidentdesk.reminders.urls")),
    path("", include("incidentdesk.inventory.urls")),
    path("", include("incidentdesk.organisation.urls")),
    path("", include("incidentdesk.audit.urls")),
    path("", include("incidentdesk.procedure.urls")),
    path("", include("incidentdesk.reviews.urls")),
    path("", include("incidentdesk.governance.urls")),
    path("", include("incidentdesk.mywork.urls")),
    path("", include("incidentdesk.comments.urls")),
    path("", include("incidentdesk.retention.urls")),
    path("", include("incidentdesk.briefings.urls")),
    path("", include("incidentdesk.preparedness.urls")),
    path("admin/", admin.site.urls),
]
