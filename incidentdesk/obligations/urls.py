from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<str:reference>/obligations/<str:rule_id>/settle/", views.settle, name="obligation-settle"),
]
