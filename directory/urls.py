from django.urls import path

from . import agencies, pickers, roles, staff_pickers, views

app_name = "directory"
urlpatterns = [
    path("pick/units/", pickers.pick_units, name="pick_units"),
    path("pick/agencies/", pickers.pick_agencies, name="pick_agencies"),
    path("pick/people/", pickers.pick_people, name="pick_people"),
    path("pick/staff/", staff_pickers.pick_staff, name="pick_staff"),
    path("staff/", roles.staff_list, name="staff_list"),
    path("staff/grant/", roles.staff_grant, name="staff_grant"),
    path("staff/new/", roles.staff_create, name="staff_create"),
    path("staff/<int:pk>/revoke/", roles.staff_revoke, name="staff_revoke"),
    path("staff/history/", roles.staff_history, name="staff_history"),
    path("agencies/", agencies.agency_list, name="agency_list"),
    path("agencies/<int:pk>/", agencies.agency_edit, name="agency_edit"),
    path("agencies/<int:pk>/merge/", agencies.agency_merge, name="agency_merge"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("import/people/", views.import_people, name="import_people"),
    path("import/units/", views.import_units, name="import_units"),
    path("import/<str:kind>/template.csv", views.import_template, name="import_template"),
]
