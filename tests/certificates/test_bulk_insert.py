"""Many rows at once: COPY on PostgreSQL stores exactly what bulk_create would."""

from datetime import timedelta

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from certificates.models import Certificate, Completion
from certificates.services import bulk
from tests import factories

pytestmark = pytest.mark.django_db


NOW = timezone.now()
OWN = ("id", "programme", "serial", "code", "register_key", "pdf")


def rows(programme, people, *, prefix: str) -> list[dict[str, object]]:
    return [
        {
            "programme_id": programme.pk,
            "person_id": person.pk,
            "serial": f"{prefix}-{number:06d}",
            "register_key": f"register:2021:{prefix}",
            "register_year": 2021,
            "register_number": number,
            "code": f"{prefix}{number:016d}",
            "snapshot": {"full_name": person.full_name, "minutes": 120, "point": None},
            "issued_at": NOW,
        }
        for number, person in enumerate(people, start=1)
    ]


def stored(programme) -> list[dict[str, object]]:
    """What was stored, but for the columns that must differ between two programmes."""
    return [
        {name: value for name, value in model_to_dict(c).items() if name not in OWN}
        | {"pdf": c.pdf.name}
        for c in Certificate.objects.filter(programme=programme).order_by("register_number")
    ]


def test_copy_and_bulk_create_store_the_same_rows_with_defaults_and_json(monkeypatch):
    # given two programmes and the same people
    people = [factories.PersonFactory(full_name=name) for name in ("Lê Văn Mạnh", "Đỗ Thị Dung")]
    by_copy, by_orm = factories.ProgrammeFactory(), factories.ProgrammeFactory()

    # when one batch goes in by the fast path (COPY on PostgreSQL) and one by bulk_create
    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 1)
    assert bulk.insert_rows(Certificate, rows(by_copy, people, prefix="COPY")) == 2
    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 10**9)
    assert bulk.insert_rows(Certificate, rows(by_orm, people, prefix="ORM")) == 2

    # then both hold the same values, defaults (status, version, empty texts) included
    copied = stored(by_copy)
    assert copied == stored(by_orm)
    assert copied[0]["status"] == Certificate.Status.VALID
    assert copied[0]["version"] == 1
    assert copied[0]["pdf"] == ""
    first = Certificate.objects.get(programme=by_copy, register_number=1)
    assert first.snapshot == {"full_name": "Lê Văn Mạnh", "minutes": 120, "point": None}


def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.insert_rows(Certificate, []) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_bad_row_rolls_back_the_whole_copy(monkeypatch):
    from django.db import IntegrityError, transaction

    people = [factories.PersonFactory(), factories.PersonFactory()]
    programme = factories.ProgrammeFactory()
    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 1)
    batch = rows(programme, people, prefix="BAD")
    batch[1]["code"] = batch[0]["code"]  # a repeated verification code

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_rows(Certificate, batch)

    assert not Certificate.objects.filter(programme=programme).exists()


@pytest.mark.parametrize("copy_from_rows", [1, 10**9], ids=["copy", "bulk_create"])
def test_upsert_adds_new_rows_and_updates_only_the_named_fields_of_existing_ones(
    monkeypatch, copy_from_rows
):
    # given a programme where Mạnh's completion is stored and Dung has none
    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", copy_from_rows)
    programme = factories.ProgrammeFactory()
    manh, dung = factories.PersonFactory(), factories.PersonFactory()
    earlier = NOW - timedelta(days=1)

    def completion(person, *, completed: bool, minutes: int, at) -> dict[str, object]:
        return {
            "programme_id": programme.pk,
            "person_id": person.pk,
            "completed": completed,
            "sessions_counted": int(completed),
            "sessions_required": 1,
            "minutes_present": minutes,
            "minutes_required": 60,
            "computed_at": at,
        }

    bulk.upsert_rows(
        Completion,
        [completion(manh, completed=False, minutes=35, at=earlier)],
        unique_fields=["programme", "person"],
        update_fields=["completed", "minutes_present"],
    )

    # when both are written, Mạnh's update naming only two fields
    written = bulk.upsert_rows(
        Completion,
        [
            completion(manh, completed=True, minutes=90, at=NOW),
            completion(dung, completed=True, minutes=120, at=NOW),
        ],
        unique_fields=["programme", "person"],
        update_fields=["completed", "minutes_present"],
    )

    # then there is one row each; Mạnh's named fields changed and the others did not
    assert written == 2
    stored = {c.person_id: c for c in Completion.objects.filter(programme=programme)}
    assert len(stored) == 2
    assert (stored[manh.pk].completed, stored[manh.pk].minutes_present) == (True, 90)
    assert stored[manh.pk].computed_at == earlier
    assert (stored[dung.pk].completed, stored[dung.pk].minutes_present) == (True, 120)
