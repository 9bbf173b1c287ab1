"""Satisfaction surveys over JSON, in the caller's scope."""

from ninja import Router

router = Router(tags=["surveys"])
