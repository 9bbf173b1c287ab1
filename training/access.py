"""Who may download a programme's materials besides the staff whose scope covers it.

The people on a session's roster and the coordinators of its points read the materials from
the session page, but sessions live in an app above this one; that app says who they are
when it loads (`AppConfig.ready`), so this app never looks into its tables:

    from training.access import provide_material_reader
    provide_material_reader(lambda user, programme: ...)
"""

from collections.abc import Callable

from directory.selectors import AnyUser, scope_for

from .models import Programme

MaterialReader = Callable[[AnyUser, Programme], bool]
_readers: list[MaterialReader] = []


def provide_material_reader(reader: MaterialReader) -> None:
    """Add a way to grant reading; providing the same function again changes nothing."""
    if reader not in _readers:
        _readers.append(reader)


def can_read_materials(user: AnyUser, programme: Programme) -> bool:
    if not user.is_authenticated:
        return False
    scope = scope_for(user)
    if scope.is_staff and scope.covers_unit(programme.unit):
        return True
    return any(reader(user, programme) for reader in _readers)
