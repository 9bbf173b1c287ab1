"""The live session dashboard for organisers. Over JSON, in the caller's scope."""

from ninja import Router

router = Router(tags=["dashboards"])
