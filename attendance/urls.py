from django.urls import path, re_path

from . import certificate_views, dashboard_urls, report_urls, roster_views, survey_urls, views

app_name = "attendance"
urlpatterns = [
    path("points/<int:participation_id>/roster/", roster_views.roster, name="roster"),
    path(
        "sessions/<int:session_id>/points/<int:point_id>/roster/",
        roster_views.roster_at,
        name="roster_at",
    ),
    path("points/<int:participation_id>/roster/add/", roster_views.roster_add, name="roster_add"),
    path(
        "points/<int:participation_id>/roster/agency/",
        roster_views.roster_invite_agency,
        name="roster_invite_agency",
    ),
    path(
        "points/<int:participation_id>/roster/walk-in/",
        roster_views.roster_walk_in,
        name="roster_walk_in",
    ),
    path(
        "points/<int:participation_id>/roster/import/",
        roster_views.roster_import,
        name="roster_import",
    ),
    path(
        "points/<int:participation_id>/roster/template.csv",
        roster_views.roster_template,
        name="roster_template",
    ),
    re_path(
        r"^points/(?P<participation_id>\d+)/roster\.(?P<file_format>csv|xlsx)$",
        roster_views.roster_export,
        name="roster_export",
    ),
    path("entries/<int:entry_id>/action/", roster_views.entry_action, name="entry_action"),
    path("entries/<int:entry_id>/substitute/", roster_views.substitute, name="substitute"),
    path("entries/<int:entry_id>/contact/", roster_views.entry_contact, name="entry_contact"),
    path("points/<int:participation_id>/scan/", views.scanner, name="scanner"),
    path("points/<int:participation_id>/display/", views.display, name="display"),
    path("points/<int:participation_id>/badges.pdf", views.badge_sheet, name="badge_sheet"),
    path("here/<str:code>/", views.self_check_in, name="self_check_in"),
    path("sessions/<int:session_id>/invitation/", views.invitation, name="invitation"),
    path("sessions/<int:session_id>/close/", views.close_session, name="close_session"),
    path("programmes/", certificate_views.programme_list, name="programme_list"),
    path(
        "programmes/<int:pk>/certificates/",
        certificate_views.programme_certificates,
        name="programme_certificates",
    ),
    path(
        "programmes/<int:pk>/collation.json",
        certificate_views.collation_progress,
        name="collation_progress",
    ),
    path(
        "programmes/<int:pk>/register.xlsx",
        certificate_views.register_export,
        name="register_export",
    ),
    path(
        "certificates/<int:certificate_id>.pdf",
        certificate_views.certificate_file,
        name="certificate_file",
    ),
    path(
        "certificates/<int:certificate_id>/revoke/",
        certificate_views.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "certificates/<int:certificate_id>/reissue/",
        certificate_views.certificate_reissue,
        name="certificate_reissue",
    ),
    path(
        "bridge-points/<int:point_id>/certificates/",
        certificate_views.point_certificates,
        name="point_certificates",
    ),
    re_path(
        r"^bridge-points/(?P<point_id>\d+)/programmes/(?P<programme_id>\d+)/"
        r"certificates\.(?P<file_format>pdf|zip)$",
        certificate_views.point_certificates_file,
        name="point_certificates_file",
    ),
    *survey_urls.urlpatterns,
    *report_urls.urlpatterns,
    *dashboard_urls.urlpatterns,
]
