from django.urls import path

from . import views

urlpatterns = [
    path("triage/", views.queue, name="triage"),
    path("triage/<int:pk>/promote/", views.promote, name="triage-promote"),
    path("triage/<int:pk>/dismiss/", views.dismiss, name="triage-dismiss"),
    path("triage/<int:pk>/add-to-incident/", views.add_to_incident, name="triage-merge"),
    path("report/", views.report, name="report"),
    path("report/follow/<str:token>/", views.follow, name="report-follow"),
]
