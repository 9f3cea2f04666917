from django.urls import path

from . import views

urlpatterns = [
    path("my-work/", views.page, name="my-work"),
]
