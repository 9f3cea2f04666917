from django.urls import path

from . import views

urlpatterns = [
    path("inventory/", views.inventory, name="inventory"),
    path("inventory/add/", views.tool_edit, name="tool-add"),
    path("inventory/<int:pk>/", views.tool_detail, name="tool-detail"),
    path("inventory/<int:pk>/edit/", views.tool_edit, name="tool-edit"),
]
