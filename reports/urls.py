"""Coverage reports, their exports and downloads."""

from django.urls import URLPattern, path, re_path

from . import views

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("reports/", views.coverage_page, name="report_coverage"),
    path("reports/points/", views.points_page, name="report_points"),
    path("reports/programme/", views.programme_page, name="report_programme"),
    path("reports/agencies/", views.agencies_page, name="report_agencies"),
    path("reports/history/", views.my_history, name="my_history"),
    path(
        "reports/people/<int:person_id>/history/",
        views.person_history,
        name="person_history",
    ),
    re_path(
        r"^reports/(?P<kind>coverage|points|programme|agencies|history|roster)\."
        r"(?P<file_format>xlsx|csv)$",
        views.report_export,
        name="report_export",
    ),
    path(
        "reports/exports/<int:export_id>/",
        views.export_status,
        name="report_export_status",
    ),
    path(
        "reports/exports/<int:export_id>.json",
        views.export_progress_json,
        name="report_export_progress",
    ),
    path(
        "reports/exports/<int:export_id>/download/",
        views.export_file,
        name="report_export_file",
    ),
]
