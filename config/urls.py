from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from certificates import views as certificate_views
from directory import views as directory_views
from events import views as events_views
from home import views as home_views

from .api import api

admin.site.site_header = "DiemCau"
admin.site.site_title = "DiemCau"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("directory/", include("directory.urls")),
    path("programmes/", include("training.urls")),
    path("", include("events.urls")),
    # Surveys, certificates and reports began inside the attendance app; their pages keep
    # the addresses people have bookmarked and printed.
    path("attendance/", include("attendance.urls")),
    path("attendance/", include("surveys.urls")),
    path("attendance/", include("certificates.urls")),
    path("attendance/", include("reports.urls")),
    path("attendance/sessions/<int:pk>/close/", events_views.close_session),
    path("certificates/", certificate_views.my_certificates, name="my_certificates"),
    path("verify/", certificate_views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", certificate_views.verify, name="verify_certificate"),
    path("privacy/", include("privacy.urls")),
    path("network/", include("network.urls")),
    path("home/", include("home.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/link/", directory_views.sign_in_link_request, name="sign_in_link_request"),
    path("accounts/link/sign-in/", directory_views.sign_in_link, name="sign_in_link"),
]
