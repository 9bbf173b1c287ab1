from django.urls import path

from . import views

app_name = "attendance"
urlpatterns = [
    path("points/<int:participation_id>/scan/", views.scanner, name="scanner"),
    path("points/<int:participation_id>/display/", views.display, name="display"),
    path("points/<int:participation_id>/badges.pdf", views.badge_sheet, name="badge_sheet"),
    path("here/<str:code>/", views.self_check_in, name="self_check_in"),
    path("sessions/<int:session_id>/invitation/", views.invitation, name="invitation"),
    path("sessions/<int:session_id>/close/", views.close_session, name="close_session"),
]
