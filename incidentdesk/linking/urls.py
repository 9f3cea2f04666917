from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<str:reference>/tags/", views.add_tag, name="incident-tag-add"),
    path("incidents/<str:reference>/tags/remove/", views.remove_tag, name="incident-tag-remove"),
    path("incidents/<str:reference>/links/", views.add_link, name="incident-link-add"),
    path("incidents/<str:reference>/links/remove/", views.remove_link, name="incident-link-remove"),
    path("incidents/<str:reference>/merge/", views.merge, name="incident-merge"),
]
