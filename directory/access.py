"""Access decorators for views: signed in, and staff or organiser in the directory's roles.
They live here rather than in common because they read the roles this app owns."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from . import selectors

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not selectors.scope_for(request.user).is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def organiser_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not selectors.scope_for(request.user).is_organiser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
