from django.urls import path

from . import views

urlpatterns = [
    path("briefings/", views.overview, name="briefings"),
    path("briefings/record/", views.record, name="briefing-record"),
    path("briefings/access/", views.grant, name="tool-access-add"),
    path("briefings/access/<int:pk>/end/", views.end, name="tool-access-end"),
]
