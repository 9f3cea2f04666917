"""This app's routes on one incident (its workspace panel posts here)."""

from django.urls import path

from . import views

P = "incidents/<str:reference>/"
urlpatterns = [
    path(P + "capa/", views.plan, name="capa-plan"),
    path(P + "capa/<int:pk>/", views.step, name="capa-step"),
    path(P + "capa/<int:pk>/assign/", views.assign, name="capa-assign"),
]
