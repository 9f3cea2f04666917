"""This app's routes on one incident (its workspace panel posts here)."""

from django.urls import path

from . import views

P = "incidents/<str:reference>/"
urlpatterns = [
    path(P + "report.<str:fmt>", views.report, name="incident-report"),
    path(P + "report/", views.report_page, name="incident-report-page"),
]
