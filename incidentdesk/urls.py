from django.contrib import admin
from django.urls import path

from incidentdesk.incidents import views as incident_views

urlpatterns = [
    path("", incident_views.register, name="register"),
    path("incidents/<str:reference>/", incident_views.detail, name="incident-detail"),
    path("admin/", admin.site.urls),
]
