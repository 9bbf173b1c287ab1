from django import template

from ..places import place_url

register = template.Library()


@register.simple_tag
def place(name: str, *args: object) -> str:
    """The address of a place another app provides (see common.places)."""
    return place_url(name, *args)
