from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<str:reference>/routing/<int:pk>/acknowledge/", views.acknowledge, name="routing-acknowledge"),
    # Public: the signed, single-use link in a contact's e-mail is the credential (no sign-in).
    path("routing/acknowledge/<str:token>/", views.ack_link, name="routing-ack-link"),
]
