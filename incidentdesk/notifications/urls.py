"""This app's routes on one incident (its workspace panel posts here)."""

from django.urls import path

from . import views

P = "incidents/<str:reference>/"
urlpatterns = [
    path(P + "drafts/", views.new, name="draft-new"),
    path(P + "drafts/<int:pk>/", views.draft_page, name="draft"),
    path(P + "drafts/<int:pk>/send/", views.send, name="draft-send"),
    path(P + "drafts/<int:pk>/assign/", views.assign, name="draft-assign"),
    path(P + "drafts/<int:pk>/<str:fmt>", views.export, name="draft-export"),
    path(P + "notifications/<int:pk>/acknowledgement/", views.acknowledge, name="notification-acknowledge"),
]
