"""Coverage reports, their exports and downloads."""

from django.urls import URLPattern, path, re_path

from . import report_views

urlpatterns: list[URLPattern] = [
    path("reports/", report_views.coverage_page, name="report_coverage"),
    path("reports/points/", report_views.points_page, name="report_points"),
    path("reports/programme/", report_views.programme_page, name="report_programme"),
    path("reports/agencies/", report_views.agencies_page, name="report_agencies"),
    path("reports/history/", report_views.my_history, name="my_history"),
    path(
        "reports/people/<int:person_id>/history/",
        report_views.person_history,
        name="person_history",
    ),
    re_path(
        r"^reports/(?P<kind>coverage|points|programme|agencies|history|roster)\."
        r"(?P<file_format>xlsx|csv)$",
        report_views.report_export,
        name="report_export",
    ),
    path(
        "reports/exports/<int:export_id>/",
        report_views.export_status,
        name="report_export_status",
    ),
    path(
        "reports/exports/<int:export_id>.json",
        report_views.export_progress_json,
        name="report_export_progress",
    ),
    path(
        "reports/exports/<int:export_id>/download/",
        report_views.export_file,
        name="report_export_file",
    ),
]
