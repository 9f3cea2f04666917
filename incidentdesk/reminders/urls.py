from django.urls import path

from . import views

urlpatterns = [
    path("calendar/<str:token>.ics", views.ics, name="calendar-feed"),
    path("account/calendar/", views.new_calendar, name="calendar-new"),
    path("account/calendar/remove/", views.remove_calendar, name="calendar-remove"),
    path("account/reminders/", views.preferences, name="reminder-preferences"),
]
