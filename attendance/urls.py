"""Check-in pages: the roster, the scanner, the point's screen, self check-in, invitations,
badges and the live dashboard."""

from django.urls import path, re_path

from .views import audit, dashboard, devices, paper, phone
from .views import checkin as views
from .views import roster as roster_views

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
    path("entries/<int:entry_id>/check-in/", roster_views.entry_check_in, name="entry_check_in"),
    path("entries/<int:entry_id>/check-out/", roster_views.entry_check_out, name="entry_check_out"),
    path("entries/<int:entry_id>/undo/", roster_views.entry_undo, name="entry_undo"),
    path("entries/<int:entry_id>/excuse/", roster_views.entry_excuse, name="entry_excuse"),
    path("entries/<int:entry_id>/approve/", roster_views.entry_approve, name="entry_approve"),
    path("entries/<int:entry_id>/reject/", roster_views.entry_reject, name="entry_reject"),
    path(
        "entries/<int:entry_id>/revoke-ticket/",
        roster_views.entry_revoke_ticket,
        name="entry_revoke_ticket",
    ),
    path("entries/<int:entry_id>/remove/", roster_views.entry_remove, name="entry_remove"),
    path("entries/<int:entry_id>/substitute/", roster_views.substitute, name="substitute"),
    path("entries/<int:entry_id>/contact/", roster_views.entry_contact, name="entry_contact"),
    path("points/<int:participation_id>/scan/", views.scanner, name="scanner"),
    path("points/<int:participation_id>/display/", views.display, name="display"),
    path("points/<int:participation_id>/badges.pdf", views.badge_sheet, name="badge_sheet"),
    path("points/<int:participation_id>/paper/", paper.paper_entry, name="paper_entry"),
    path(
        "points/<int:participation_id>/sign-in-sheet.pdf",
        paper.sign_in_sheet,
        name="sign_in_sheet",
    ),
    path("entries/<int:entry_id>/times/", paper.entry_times, name="entry_times"),
    path("points/<int:participation_id>/audit/", audit.point_audit, name="point_audit"),
    re_path(
        r"^points/(?P<participation_id>\d+)/audit\.(?P<file_format>csv|xlsx)$",
        audit.point_audit_export,
        name="point_audit_export",
    ),
    path("sessions/<int:session_id>/audit/", audit.session_audit, name="session_audit"),
    re_path(
        r"^sessions/(?P<session_id>\d+)/audit\.(?P<file_format>csv|xlsx)$",
        audit.session_audit_export,
        name="session_audit_export",
    ),
    path("points/<int:participation_id>/devices/", devices.point_devices, name="point_devices"),
    path("devices/<int:device_id>/revoke/", devices.device_revoke, name="device_revoke"),
    path("pair/", devices.device_pair, name="device_pair"),
    path("phone/", phone.phone_scanner, name="phone_scanner"),
    path("phone/sw.js", phone.phone_worker, name="phone_worker"),
    path("phone/manifest.webmanifest", phone.phone_manifest, name="phone_manifest"),
    path("here/<str:code>/", views.self_check_in, name="self_check_in"),
    path("sessions/<int:session_id>/invitation/", views.invitation, name="invitation"),
    path(
        "sessions/<int:session_id>/dashboard/",
        dashboard.session_dashboard,
        name="session_dashboard",
    ),
]
