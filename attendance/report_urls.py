"""Coverage reports, their exports and downloads."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
