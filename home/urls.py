from django.urls import path

from . import views

app_name = "home"
urlpatterns = [
    path("excuses/", views.excuse_queue, name="excuse_queue"),
    path("sessions-to-close/", views.sessions_to_close, name="sessions_to_close"),
]
