"""Satisfaction surveys: the attendee's form, the organiser's questions and results."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
