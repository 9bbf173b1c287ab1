"""The live session dashboard for organisers."""

from django.urls import URLPattern, path

from . import dashboard_views

urlpatterns: list[URLPattern] = [
    path(
        "sessions/<int:session_id>/dashboard/",
        dashboard_views.session_dashboard,
        name="session_dashboard",
    ),
]
