"""Who is expected where: the roster of each bridge point of a session.

A person is on a session's roster once, at one point. Coordinators keep their own
point's roster; organisers keep the rosters of the points in their scope. Nothing is
deleted: taking someone off, revoking a ticket or sending a substitute leaves a trace.

`entries` puts people on and takes them off, with the checks every change makes first;
`people` matches described people with the directory and adds the new ones; `walk_ins`
handles those who turn up unlisted; `imports` previews and applies roster files.
"""

from .entries import (
    RosterResult,
    add_to_roster,
    invite_agency_here,
    people_in_reach,
    remove_from_roster,
    require_open,
    require_roster_keeper,
    revoke_ticket,
)
from .imports import (
    COLUMN_LABELS,
    ROSTER_COLUMNS,
    ROSTER_EXAMPLE,
    PreviewRow,
    RosterPreview,
    apply_roster_import,
    preview_roster_import,
)
from .people import PersonDetails, PersonMatcher, correct_contact, create_people, resolve_person
from .walk_ins import add_substitute, add_walk_in

__all__ = [
    "COLUMN_LABELS",
    "ROSTER_COLUMNS",
    "ROSTER_EXAMPLE",
    "PersonDetails",
    "PersonMatcher",
    "PreviewRow",
    "RosterPreview",
    "RosterResult",
    "add_substitute",
    "add_to_roster",
    "add_walk_in",
    "apply_roster_import",
    "correct_contact",
    "create_people",
    "invite_agency_here",
    "people_in_reach",
    "preview_roster_import",
    "remove_from_roster",
    "require_open",
    "require_roster_keeper",
    "resolve_person",
    "revoke_ticket",
]
