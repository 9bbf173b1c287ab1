"""The record of personal data taken out as files (Decree 13/2023/NĐ-CP): every view that
serves a file with people's data in it writes one row here, in the apps above this one too,
which is why it lives with the people it is about."""

from django.contrib.auth.models import AbstractBaseUser

from ..models import Person, PersonalDataExport


def record_personal_data_export(
    *,
    actor: AbstractBaseUser,
    kind: str,
    file_format: str,
    rows: int,
    unit_id: int | None = None,
    person: Person | None = None,
    session_id: int | None = None,
    point_id: int | None = None,
    programme_id: int | None = None,
    label: str = "",
) -> PersonalDataExport:
    """Record one export of personal data (one INSERT); called by the view that serves the
    file, before it answers, so no file leaves unrecorded."""
    record = PersonalDataExport(
        actor=actor,
        kind=kind,
        file_format=file_format,
        row_count=max(0, rows),
        unit_id=unit_id,
        person=person,
        session_id=session_id,
        point_id=point_id,
        programme_id=programme_id,
        label=label[:500],
    )
    # The related rows were just read by the caller: checking they exist is three queries
    # more on every download.
    record.full_clean(exclude=["actor", "unit", "person"])
    record.save()
    return record
