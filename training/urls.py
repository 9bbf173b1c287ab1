from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("new/", views.programme_create, name="programme_create"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("<int:pk>/rule/", views.programme_rule, name="programme_rule"),
    path("<int:pk>/design/", views.programme_design, name="programme_design"),
    path("<int:pk>/design/<str:which>.img", views.programme_image, name="programme_image"),
    path("<int:pk>/materials/new/", views.material_add, name="material_add"),
    path(
        "<int:pk>/materials/<int:material_pk>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    path("materials/<int:material_pk>/file/", views.material_file, name="material_file"),
]
