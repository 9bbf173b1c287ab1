"""Coverage reports, their exports and downloads. Over JSON, in the caller's scope."""

from ninja import Router

router = Router(tags=["reports"])
