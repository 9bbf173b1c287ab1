from django.urls import path

from . import pickers, views

app_name = "directory"
urlpatterns = [
    path("pick/units/", pickers.pick_units, name="pick_units"),
    path("pick/agencies/", pickers.pick_agencies, name="pick_agencies"),
    path("pick/people/", pickers.pick_people, name="pick_people"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("import/people/", views.import_people, name="import_people"),
    path("import/units/", views.import_units, name="import_units"),
    path("import/<str:kind>/template.csv", views.import_template, name="import_template"),
]
