"""Pages of a lower app that link to a higher app's pages name a *place* ("the roster of a
bridge point in a session"); the app that owns the place says where it is when it loads
(`AppConfig.ready`). So the session page links to the roster, the dashboard or the survey
without events naming attendance or surveys, and the chain of apps stays one-way.

In templates: `{% load places %}<a href="{% place "roster" participation_id %}">`.
"""

from collections.abc import Callable

UrlFor = Callable[..., str]
_places: dict[str, UrlFor] = {}


def provide_places(places: dict[str, UrlFor]) -> None:
    """Say where these places are; naming a place again replaces it."""
    _places.update(places)


def place_url(name: str, *args: object) -> str:
    """The address of a place, or "" when no installed app provides it."""
    url_for = _places.get(name)
    return url_for(*args) if url_for else ""
