"""Where this app's pages are, for the pages of apps below it (see common.places)."""

from django.urls import reverse

PLACES = {
    "point_certificates": lambda point_id: reverse(
        "certificates:point_certificates", args=[point_id]
    ),
}
