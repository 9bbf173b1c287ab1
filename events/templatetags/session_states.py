"""A session's state with its dates, for templates: `{{ session|session_state }}` and the
badge's colour `{{ session|session_state_class }}` (see events.states)."""

from django import template

from ..states import BADGE_CLASSES, state_of

register = template.Library()


@register.filter
def session_state(session: object) -> str:
    """ "Đã diễn ra ngày 11/12/2026 · tự đóng ngày 25/12/2026", and so on."""
    return state_of(session)


@register.filter
def session_state_class(session: object) -> str:
    return BADGE_CLASSES.get(getattr(session, "status", ""), "text-bg-light")
