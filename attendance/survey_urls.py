"""Satisfaction surveys: the attendee's form, the organiser's questions and results."""

from django.urls import URLPattern, path, re_path

from . import survey_views

urlpatterns: list[URLPattern] = [
    path("sessions/<int:session_id>/survey/", survey_views.survey_answer, name="survey_answer"),
    path(
        "sessions/<int:session_id>/survey/setup/",
        survey_views.survey_setup,
        name="survey_setup",
    ),
    path(
        "sessions/<int:session_id>/survey/results/",
        survey_views.survey_results,
        name="survey_results",
    ),
    re_path(
        r"^sessions/(?P<session_id>\d+)/survey/results\.(?P<file_format>csv|xlsx)$",
        survey_views.survey_export,
        name="survey_export",
    ),
]
