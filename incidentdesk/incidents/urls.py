from django.urls import path

from . import views

urlpatterns = [
    path("incidents/", views.register, name="register"),
    path("incidents/export.<str:fmt>", views.export, name="register-export"),
    path("incidents/record/", views.record, name="incident-record"),
    path("incidents/record/preview/", views.record_preview, name="incident-record-preview"),
    path("incidents/saved-views/", views.save_view, name="register-view-save"),
    path("incidents/saved-views/<int:pk>/delete/", views.delete_view, name="register-view-delete"),
    path("incidents/<str:reference>/", views.workspace, name="incident-workspace"),
    path("incidents/<str:reference>/edit/", views.edit, name="incident-edit"),
    path("incidents/<str:reference>/classify/", views.classify, name="incident-classify"),
    path("incidents/<str:reference>/gdpr-decision/", views.decide, name="incident-decide"),
    path("incidents/<str:reference>/access/", views.restrict, name="incident-restrict"),
    path("incidents/<str:reference>/status/", views.transition, name="incident-transition"),
    path("incidents/<str:reference>/owner/", views.owner, name="incident-owner"),
]
