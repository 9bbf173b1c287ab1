"""Where this app's pages are, for the pages of apps below it (see common.places)."""

from django.urls import reverse

PLACES = {
    "session_dashboard": lambda session_id: reverse(
        "attendance:session_dashboard", args=[session_id]
    ),
    "session_audit": lambda session_id: reverse("attendance:session_audit", args=[session_id]),
    "session_counts": lambda session_id: reverse("api:counts", args=[session_id]),
    "invitation": lambda session_id: reverse("attendance:invitation", args=[session_id]),
    "roster": lambda participation_id: reverse("attendance:roster", args=[participation_id]),
    "roster_at": lambda session_id, point_id: reverse(
        "attendance:roster_at", args=[session_id, point_id]
    ),
}
