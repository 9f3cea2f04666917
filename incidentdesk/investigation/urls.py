"""This app's routes on one incident (its workspace panel posts here)."""

from django.urls import path

from . import views

P = "incidents/<str:reference>/"
urlpatterns = [
    path(P + "rca/", views.save, name="rca-save"),
]
