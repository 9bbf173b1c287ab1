from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("sessions/<int:pk>/calendar.ics", views.session_calendar, name="session_calendar"),
]
