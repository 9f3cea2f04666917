from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<str:reference>/obligations/<str:rule_id>/settle/", views.settle, name="obligation-settle"),
    path("incidents/<str:reference>/obligations/<str:rule_id>/assign/", views.assign, name="obligation-assign"),
    path("law-change/", views.law_change, name="law-change"),
    path("law-change/apply/", views.law_change_apply, name="law-change-apply"),
]
