"""The response workflow's actions on one incident (steps 2-6), each handled by its own app."""

from django.urls import path

from incidentdesk.capa import views as capa
from incidentdesk.containment import views as containment
from incidentdesk.documents import views as documents
from incidentdesk.evidence import views as evidence
from incidentdesk.investigation import views as investigation
from incidentdesk.lessons import views as lessons
from incidentdesk.notifications import views as notifications

from . import views

P = "incidents/<str:reference>/"
urlpatterns = [
    path(P + "status/", views.transition, name="incident-transition"),
    path(P + "containment/", containment.add, name="containment-add"),
    path(P + "evidence/", evidence.upload, name="evidence-upload"),
    path(P + "evidence/verify/", evidence.verify, name="evidence-verify"),
    path(P + "evidence/<int:pk>/", evidence.download, name="evidence-download"),
    path(P + "drafts/", notifications.new, name="draft-new"),
    path(P + "drafts/<int:pk>/", notifications.draft_page, name="draft"),
    path(P + "drafts/<int:pk>/send/", notifications.send, name="draft-send"),
    path(P + "drafts/<int:pk>/<str:fmt>", notifications.export, name="draft-export"),
    path(P + "rca/", investigation.save, name="rca-save"),
    path(P + "capa/", capa.plan, name="capa-plan"),
    path(P + "capa/<int:pk>/", capa.step, name="capa-step"),
    path(P + "lessons/", lessons.propose, name="lesson-propose"),
    path(P + "lessons/<int:pk>/", lessons.decide, name="lesson-decide"),
    path(P + "report.<str:fmt>", documents.report, name="incident-report"),
]
