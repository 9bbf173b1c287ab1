"""Attendance from a paper sign-in sheet, over JSON: the same service as the page.

The whole sheet is recorded or none of it: a refusal answers 400 (`invalid`) in ErrorOut's
shape with each line's problem under `errors["rows.<index>"]`; a point outside the caller's
reach answers 404, a closed or cancelled session 400.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import AwareDatetime

from common.api import Id

from .. import selectors
from ..services.paper import MAX_ROWS, PaperRow, enter_paper_attendance

router = Router(tags=["attendance"])


class PaperRowIn(Schema):
    entry_id: Id = Field(description="The person's roster entry at this point.")
    arrived_at: AwareDatetime = Field(description="The arrival written on the sheet.")
    left_at: AwareDatetime | None = Field(None, description="The departure, if signed.")


class PaperSheetIn(Schema):
    reason: str = Field(max_length=300, description="Why by hand: kept with every line.")
    overwrite: bool = Field(
        False, description="Replace arrivals already recorded (by a scan or by hand)."
    )
    rows: list[PaperRowIn] = Field(max_length=MAX_ROWS)


class PaperLineOut(Schema):
    entry_id: int
    name: str
    checked_in_at: datetime
    checked_out_at: datetime | None
    method: str
    status: str


class PaperSheetOut(Schema):
    participation_id: int
    entered: int
    lines: list[PaperLineOut]


@router.post("/points/{participation_id}/paper", response={200: PaperSheetOut})
def paper_attendance(request: HttpRequest, participation_id: Id, data: PaperSheetIn) -> dict:
    """Record a point's paper sign-in sheet: every line's arrival and departure, or none."""
    participation = selectors.kept_participation(request.user, participation_id)
    attendances = enter_paper_attendance(
        actor=request.user,
        participation=participation,
        rows=[PaperRow(row.entry_id, row.arrived_at, row.left_at) for row in data.rows],
        reason=data.reason,
        overwrite=data.overwrite,
    )
    return {
        "participation_id": participation.pk,
        "entered": len(attendances),
        "lines": [
            {
                "entry_id": attendance.pk,
                "name": attendance.entry.person.full_name,
                "checked_in_at": attendance.checked_in_at,
                "checked_out_at": attendance.checked_out_at,
                "method": attendance.check_in_method,
                "status": attendance.status,
            }
            for attendance in attendances
        ],
    }
