from django.urls import path

from . import views

urlpatterns = [path("changes/", views.change_log, name="change-log")]
