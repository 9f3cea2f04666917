"""This app's routes on one incident (its workspace panel posts here)."""

from django.urls import path

from . import views

P = "incidents/<str:reference>/"
urlpatterns = [
    path(P + "containment/", views.add, name="containment-add"),
    path(P + "containment/<int:pk>/assign/", views.assign, name="containment-assign"),
    path(P + "containment/<int:pk>/result/", views.result, name="containment-result"),
]
