from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the switcher.

    Django's own middleware would follow the browser's Accept-Language, and many office
    computers in Viet Nam run English browsers; the product speaks Vietnamese first.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulMiddleware:
    """A page's posted form with a NUL character is refused before any view reads it.

    PostgreSQL cannot store NUL in text and raises on it, so one would otherwise surface as
    a server error wherever a view passes the field on. The API has its own check that
    answers in the API's error shape (common.api), so its paths are left to it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and _has_nul(request):
            message = _("The form held a character that cannot be saved (NUL). Type it again.")
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    # Searches (GET) are read through common.params, which drops a NUL with a message and
    # still shows the page; a posted form changes something, so it is refused whole.
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return False
    return any("\x00" in value for value in _values(request.POST))


def _values(query: QueryDict) -> Iterator[str]:
    for key, values in query.lists():
        yield key
        yield from values
