"""Where this app's pages are, for the pages of apps below it (see common.places)."""

from django.urls import reverse

PLACES = {
    "survey_results": lambda session_id: reverse("surveys:survey_results", args=[session_id]),
}
