"""Where this app's pages are, for the pages of apps below it (see common.places): the
sign-in pages, the invitation and its e-mail, the scanner and the home pages link to the
privacy notice and to a person's own data."""

from django.conf import settings
from django.urls import reverse

PLACES = {
    "privacy_notice": lambda: reverse("privacy:notice"),
    # For e-mails, read outside the site.
    "privacy_notice_link": lambda: settings.SITE_URL + reverse("privacy:notice"),
    "my_data": lambda: reverse("privacy:my_data"),
    "privacy_corrections": lambda: reverse("privacy:corrections"),
    "privacy_exports": lambda: reverse("privacy:export_log"),
}
