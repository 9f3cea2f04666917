from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/charts/<str:name>.svg", views.chart, name="dashboard-chart"),
]
