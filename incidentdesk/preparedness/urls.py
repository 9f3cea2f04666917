from django.urls import path

from . import views

P = "incidents/<str:reference>/exercise/"
urlpatterns = [
    path("exercises/", views.exercises, name="exercises"),
    path("exercises/start/", views.start, name="exercise-start"),
    path(P + "reveal/", views.reveal, name="exercise-reveal"),
    path(P + "end/", views.end, name="exercise-end"),
    path(P + "report/", views.report_page, name="exercise-report-page"),
    path(P + "report/<str:fmt>/", views.report_export, name="exercise-report"),
    path("readiness/", views.readiness, name="readiness"),
    path("readiness/test-reminder/", views.test_reminder, name="readiness-test-reminder"),
]
