"""The breach register and this app's routes on one incident (its workspace panel posts here)."""

from django.urls import path

from . import views

urlpatterns = [
    path("breaches/", views.register, name="breach-register"),
    path("breaches/register.<str:fmt>", views.export, name="breach-register-export"),
    path("incidents/<str:reference>/informed/", views.informed, name="breach-informed-add"),
]
