"""Roster files: checked row by row into a preview, then put on the roster once confirmed."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Person
from directory.services import PEOPLE_COLUMNS
from directory.spreadsheets import RowError, TableRejected, read_table

from ...models import RosterEntry, RosterImport, SessionPoint
from .entries import RosterResult, add_to_roster, require_open, require_roster_keeper
from .people import PersonDetails, PersonMatcher, _cleaned_for_matching, create_people

# The directory's people columns, less the unit code: a roster's people belong to its point.
ROSTER_COLUMNS = {
    key: PEOPLE_COLUMNS[key] for key in ("full_name", "position", "agency", "email", "phone")
}
ROSTER_EXAMPLE = ("Nguyễn Thị Ánh", "Chuyên viên", "UBND xã Đồng Thịnh", "", "0912345678")
COLUMN_LABELS = {
    "full_name": "Họ và tên",
    "position": "Chức vụ",
    "agency": "Cơ quan",
    "email": "Email",
    "phone": "Điện thoại",
}


@dataclass(frozen=True)
class PreviewRow:
    row: int
    details: PersonDetails
    person: Person | None
    # "new" (added to the directory too), "existing", or "already_here" (skipped).
    action: str


@dataclass(frozen=True)
class RosterPreview:
    upload: RosterImport
    rows: list[PreviewRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def count_new(self) -> int:
        return self.count("new")

    @property
    def count_existing(self) -> int:
        return self.count("existing")

    @property
    def count_already_here(self) -> int:
        return self.count("already_here")


def _check_roster_file(
    *, actor: AbstractBaseUser, participation: SessionPoint, file_name: str, content: bytes
) -> list[PreviewRow]:
    table = read_table(
        name=file_name, content=content, columns=ROSTER_COLUMNS, required={"full_name"}
    )
    if not table.rows:
        raise TableRejected([RowError(0, "", _("The file has no rows under its header."))])
    errors: list[RowError] = []
    rows: list[PreviewRow] = []
    seen: dict[str, int] = {}
    described = [
        (number, PersonDetails(**{key: values.get(key, "") for key in ROSTER_COLUMNS}))
        for number, values in table.rows
    ]
    matcher = PersonMatcher(actor, [_cleaned_for_matching(d) for _n, d in described])
    # Only the file's people: the national session's roster is 300,000 entries, and a
    # three-row file once loaded them all inside the coordinator's request.
    known = {p.pk for p in (*matcher.by_email.values(), *matcher.by_phone.values())}
    on_session = {
        entry.person_id: entry
        for entry in RosterEntry.objects.filter(
            session_id=participation.session_id, person_id__in=known
        ).select_related("participation__point")
    }
    for number, details in described:
        person, details, problems = matcher.resolve(details)
        for key in ("email", "phone"):
            value = getattr(details, key)
            if value and key not in problems:
                if value in seen:
                    problems[key] = _("Also on row %(row)s of this file.") % {"row": seen[value]}
                seen.setdefault(value, number)
        action = "new" if person is None else "existing"
        # Someone out of reach is reported as such, without telling where they are expected.
        entry = on_session.get(person.pk) if person is not None and not problems else None
        if entry is not None and entry.participation_id != participation.pk:
            problems["full_name"] = _("Already on the roster of %(point)s.") % {
                "point": entry.participation.point
            }
        elif entry is not None and entry.removed_at is None:
            action = "already_here"
        errors += [RowError(number, COLUMN_LABELS[key], reason) for key, reason in problems.items()]
        rows.append(PreviewRow(number, details, person, action))
    if errors:
        raise TableRejected(errors)
    return rows


@transaction.atomic
def preview_roster_import(
    *, actor: AbstractBaseUser, participation: SessionPoint, file_name: str, content: bytes
) -> RosterPreview:
    """Check a whole roster file; rejected with every (row, column, reason) when anything is
    wrong. A clean file is kept, unapplied, until someone confirms the preview."""
    require_roster_keeper(actor, participation)
    require_open(participation.session)
    rows = _check_roster_file(
        actor=actor, participation=participation, file_name=file_name, content=content
    )
    upload = RosterImport.objects.create(
        participation=participation,
        file_name=file_name[:255],
        content=content,
        uploaded_by=actor,
        row_count=len(rows),
    )
    return RosterPreview(upload, rows)


@transaction.atomic
def apply_roster_import(*, actor: AbstractBaseUser, upload: RosterImport) -> RosterResult:
    """Put a previewed file on the roster, checking it again: the directory may have moved."""
    upload = (
        RosterImport.objects.select_for_update()
        .select_related("participation__point__unit", "participation__session")
        .get(pk=upload.pk)
    )
    participation = upload.participation
    require_roster_keeper(actor, participation)
    require_open(participation.session)
    if upload.applied_at is not None:
        raise ValidationError(_("This file was already added to the roster."))
    rows = _check_roster_file(
        actor=actor,
        participation=participation,
        file_name=upload.file_name,
        content=bytes(upload.content),
    )
    person_ids = [row.person.pk for row in rows if row.person is not None]
    new_people = create_people(
        participation=participation,
        described=[row.details for row in rows if row.person is None],
    )
    person_ids += [person.pk for person in new_people]
    result = add_to_roster(
        actor=actor,
        participation=participation,
        person_ids=person_ids,
        source=RosterEntry.Source.IMPORT,
    )
    upload.applied_at = timezone.now()
    upload.added_count = result.added + result.restored
    upload.save(update_fields=["applied_at", "added_count"])
    return result
