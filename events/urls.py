from django.urls import path

from . import pickers, views
from .notices import views as notices

app_name = "events"
urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/series/new/", views.series_create, name="series_create"),
    path("sessions/calendar/", views.session_calendar_view, name="session_calendar_view"),
    path("sessions/mine/", views.my_sessions, name="my_sessions"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/occurrences/", views.occurrence_edit, name="occurrence_edit"),
    path("sessions/<int:pk>/reschedule/", views.session_reschedule, name="session_reschedule"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/close/", views.close_session, name="close_session"),
    path("sessions/<int:pk>/points/", views.session_points, name="session_points"),
    path(
        "sessions/<int:pk>/points/<int:participation_id>/chair/",
        views.point_chair,
        name="point_chair",
    ),
    path("sessions/<int:pk>/calendar.ics", views.session_calendar, name="session_calendar"),
    path("sessions/<int:pk>/notices/", notices.session_notices, name="session_notices"),
    path(
        "sessions/<int:pk>/notices/progress/",
        notices.session_notices_progress,
        name="session_notices_progress",
    ),
    path("sessions/<int:pk>/notices/retry/", notices.notices_retry, name="notices_retry"),
    path(
        "sessions/<int:pk>/notices/plan/",
        notices.reminder_plan_edit,
        name="reminder_plan_edit",
    ),
    path("points/mine/", views.my_points, name="my_points"),
    path("points/pick/", pickers.pick_points, name="pick_points"),
]
