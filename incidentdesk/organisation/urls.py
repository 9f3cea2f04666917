from django.urls import path

from . import views

urlpatterns = [path("organisation/", views.profile, name="organisation")]
