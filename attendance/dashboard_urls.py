"""The live session dashboard for organisers."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
