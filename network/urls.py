from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.network_overview, name="overview"),
    path("generate/", views.generate_points, name="generate"),
    path("points/", views.point_list, name="point_list"),
    path("points/export.<str:file_format>", views.point_export, name="point_export"),
    path("points/<int:pk>/", views.point_detail, name="point_detail"),
    path("points/<int:pk>/active/", views.point_active, name="point_active"),
    path("points/<int:pk>/coordinators/", views.coordinator_add, name="coordinator_add"),
    path(
        "points/<int:pk>/coordinators/<int:user_id>/remove/",
        views.coordinator_remove,
        name="coordinator_remove",
    ),
    path("import/", views.point_import, name="point_import"),
    path("import/template.csv", views.point_import_template, name="point_import_template"),
    path("former/", views.former_units, name="former_units"),
    path("former/import/", views.former_units_import, name="former_units_import"),
    path("former/template.csv", views.former_units_template, name="former_units_template"),
]
