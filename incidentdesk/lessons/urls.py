from django.urls import path

from . import views

P = "incidents/<str:reference>/"
urlpatterns = [
    path("changes/", views.change_log, name="change-log"),
    path(P + "lessons/", views.propose, name="lesson-propose"),
    path(P + "lessons/<int:pk>/", views.decide, name="lesson-decide"),
    path(P + "lessons/<int:pk>/assign/", views.assign, name="lesson-assign"),
]
