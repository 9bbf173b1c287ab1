from django.urls import path, re_path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.notice, name="notice"),
    path("my-data/", views.my_data, name="my_data"),
    re_path(r"^my-data\.(?P<file_format>json|xlsx)$", views.my_data_download, name="my_data_file"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/", views.correction, name="correction"),
    path("exports/", views.export_log, name="export_log"),
]
