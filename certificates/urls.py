"""Collation and certificates: the programme's page, the register, files, revocation and
reissue, and a point's certificates to hand out. Verification and the attendee's own list
sit at the site's root (config/urls.py)."""

from django.urls import path, re_path

from . import views

app_name = "certificates"
urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path(
        "programmes/<int:pk>/certificates/",
        views.programme_certificates,
        name="programme_certificates",
    ),
    path(
        "programmes/<int:pk>/certificates/rule/",
        views.programme_rule,
        name="programme_rule",
    ),
    path(
        "programmes/<int:pk>/certificates/design/",
        views.programme_design,
        name="programme_design",
    ),
    path(
        "programmes/<int:pk>/certificates/collate/",
        views.programme_collate,
        name="programme_collate",
    ),
    path(
        "programmes/<int:pk>/certificates/close/",
        views.programme_close,
        name="programme_close",
    ),
    path(
        "programmes/<int:pk>/certificates/dry-run/",
        views.programme_dry_run,
        name="programme_dry_run",
    ),
    path(
        "programmes/<int:pk>/dry-run.json",
        views.dry_run_progress,
        name="dry_run_progress",
    ),
    path(
        "programmes/<int:pk>/dry-runs/<int:collation_id>/sample.pdf",
        views.dry_run_sample,
        name="dry_run_sample",
    ),
    path(
        "programmes/<int:pk>/collation.json",
        views.collation_progress,
        name="collation_progress",
    ),
    path(
        "programmes/<int:pk>/register.xlsx",
        views.register_export,
        name="register_export",
    ),
    path(
        "certificates/<int:certificate_id>.pdf",
        views.certificate_file,
        name="certificate_file",
    ),
    path(
        "certificates/<int:certificate_id>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "certificates/<int:certificate_id>/reissue/",
        views.certificate_reissue,
        name="certificate_reissue",
    ),
    path(
        "bridge-points/<int:point_id>/certificates/",
        views.point_certificates,
        name="point_certificates",
    ),
    path(
        "bridge-points/<int:point_id>/programmes/<int:programme_id>/prints/",
        views.point_print_request,
        name="point_print_request",
    ),
    path(
        "bridge-points/<int:point_id>/prints/<int:print_id>/file",
        views.point_print_file,
        name="point_print_file",
    ),
    re_path(
        r"^bridge-points/(?P<point_id>\d+)/programmes/(?P<programme_id>\d+)/"
        r"certificates\.(?P<file_format>pdf|zip)$",
        views.point_certificates_file,
        name="point_certificates_file",
    ),
]
