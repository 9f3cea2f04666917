"""This app's routes on one incident (its workspace panel posts here)."""

from django.urls import path

from . import views

P = "incidents/<str:reference>/"
urlpatterns = [
    path(P + "evidence/", views.upload, name="evidence-upload"),
    path(P + "evidence/verify/", views.verify, name="evidence-verify"),
    path(P + "evidence/<int:pk>/", views.download, name="evidence-download"),
]
