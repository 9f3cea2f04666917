"""This app's routes on one incident (its workspace panel posts here)."""

from django.urls import path

from . import views

P = "incidents/<str:reference>/comments/"
urlpatterns = [
    path(P, views.add, name="comment-add"),
    path(P + "<int:pk>/edit/", views.edit, name="comment-edit"),
    path(P + "<int:pk>/read/", views.read, name="comment-read"),
]
