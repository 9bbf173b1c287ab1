"""Where this app's pages are, for the pages of apps below it (see common.places)."""

from django.urls import reverse

PLACES = {
    "person_history": lambda person_id: reverse("reports:person_history", args=[person_id]),
}
