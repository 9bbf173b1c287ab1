"""The JSON behind the picker of staff accounts, for granting a role to an account."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from common.pickers import picker_results

from . import selectors
from .access import organiser_required


def account_label(user: object) -> str:
    return user.get_full_name() or user.get_username()


@organiser_required
@require_GET
def pick_staff(request: HttpRequest) -> JsonResponse:
    """Accounts whose person or a role lies in the caller's scope, by name or e-mail."""
    users = selectors.staff_users_for(request.user).order_by("first_name", "username")
    return picker_results(
        request,
        users,
        label=account_label,
        hint=lambda user: user.email or user.get_username(),
        search=("first_name", "username", "email"),
    )
