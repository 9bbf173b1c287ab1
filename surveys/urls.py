"""Satisfaction surveys: the attendee's form, the organiser's questions and results."""

from django.urls import URLPattern, path, re_path

from . import views

app_name = "surveys"
urlpatterns: list[URLPattern] = [
    path("sessions/<int:session_id>/survey/", views.survey_answer, name="survey_answer"),
    path(
        "sessions/<int:session_id>/survey/setup/",
        views.survey_setup,
        name="survey_setup",
    ),
    path(
        "sessions/<int:session_id>/survey/results/",
        views.survey_results,
        name="survey_results",
    ),
    re_path(
        r"^sessions/(?P<session_id>\d+)/survey/results\.(?P<file_format>csv|xlsx)$",
        views.survey_export,
        name="survey_export",
    ),
]
