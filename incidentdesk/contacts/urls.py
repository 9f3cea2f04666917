from django.urls import path

from . import views

urlpatterns = [
    path("contacts/", views.directory, name="contacts"),
    path("contacts/add/", views.edit, name="contact-add"),
    path("contacts/<int:pk>/", views.edit, name="contact-edit"),
]
