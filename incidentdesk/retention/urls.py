from django.urls import path

from . import views

urlpatterns = [
    path("retention/", views.overview, name="retention"),
    path("incidents/<str:reference>/legal-hold/", views.place_hold, name="legal-hold-place"),
    path("incidents/<str:reference>/legal-hold/<int:pk>/release/", views.release_hold, name="legal-hold-release"),
    path("incidents/<str:reference>/deletion/propose/", views.propose, name="deletion-propose"),
    path("incidents/<str:reference>/deletion/confirm/", views.confirm, name="deletion-confirm"),
    path("incidents/<str:reference>/deletion/withdraw/", views.withdraw, name="deletion-withdraw"),
    path("incidents/<str:reference>/redact/", views.redact, name="incident-redact"),
    path("subject-access/", views.subject_access, name="subject-access"),
    path("subject-access/export.<str:fmt>", views.subject_access_export, name="subject-access-export"),
]
