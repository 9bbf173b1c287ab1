"""What the reports API takes and answers, declared for the OpenAPI document."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from common.api import ErrorOut

PAGE_SIZE = 100


# --- Input ---------------------------------------------------------------------------------

# The filters stay strings, as on the pages: the page's form checks them and answers 400 with
# a Vietnamese message per field, rather than the framework's 422 in English.
_UNIT = "An administrative unit in scope (its id); the caller's own unit by default."
_PROGRAMME = "A programme in scope, or whose sessions reach into it (its id)."
_SESSION = "One session in scope (its id); of the chosen programme, if one is chosen."
_DATE = "A day as dd/mm/yyyy or yyyy-mm-dd, between 2000 and 2100."


class ReportQuery(Schema):
    unit: str | None = Field(None, description=_UNIT, examples=["4"])
    programme: str | None = Field(None, description=_PROGRAMME, examples=["1"])
    session: str | None = Field(None, description=_SESSION, examples=["12"])
    date_from: str | None = Field(None, description=_DATE, examples=["01/01/2021"])
    date_to: str | None = Field(
        None,
        description=f"{_DATE} Not before `date_from`. With no session, programme nor dates, "
        "the report covers the latest calendar year in which someone in scope checked in.",
        examples=["31/12/2021"],
    )

    def data(self) -> dict[str, str]:
        return {
            name: value
            for name, value in self.model_dump(include=set(ReportQuery.model_fields)).items()
            if value is not None
        }


class PagedReportQuery(ReportQuery):
    page: int = Field(
        1, ge=1, description=f"The page, {PAGE_SIZE} rows each; past the last one, the last."
    )


# Spelled out rather than the model's enums, whose names (Kind, Format) other models share.
ExportKind = Literal["coverage", "points", "programme", "agencies", "history", "roster"]
ExportFormat = Literal["xlsx", "csv"]


class ExportIn(Schema):
    kind: ExportKind = Field(
        description="coverage, points, programme, agencies, history (a person's; one's own "
        "by default) or roster (a session's national roster; needs `session`)."
    )
    format: ExportFormat = Field("xlsx", description="xlsx or csv.")
    unit: int | None = Field(None, description=_UNIT)
    programme: int | None = Field(None, description=_PROGRAMME)
    session: int | None = Field(None, description=_SESSION)
    date_from: str | None = Field(None, description=_DATE)
    date_to: str | None = Field(None, description=_DATE)
    person: int | None = Field(
        None, description="For `history`: whose (an organiser's scope); the caller by default."
    )

    def filters(self) -> dict[str, object]:
        return self.model_dump(
            include={"unit", "programme", "session", "date_from", "date_to"}, exclude_none=True
        )


# --- Output --------------------------------------------------------------------------------


class ReportUnitOut(Schema):
    id: int
    name: str
    level: str = Field(description="nation, province, district or commune.")


class FiltersOut(Schema):
    """The filters as the report understood them."""

    unit: ReportUnitOut = Field(description="The unit reported on (all the units below it).")
    programme: int | None = Field(description="The programme's id, if one was chosen.")
    session: int | None = Field(description="The session's id, if one was chosen.")
    date_from: date | None = Field(
        description="First day counted; set to 1 January of the default year when nothing "
        "was chosen."
    )
    date_to: date | None = Field(description="Last day counted.")


class PeriodOut(Schema):
    from_: date = Field(alias="from", description="First day of the sessions counted.")
    to: date = Field(description="Last day of the sessions counted.")


class CoveragePartOut(Schema):
    level: str = Field(description="The level counted: province, district, commune...")
    level_label: str = Field(description="The level in Vietnamese: 'cấp tỉnh'.")
    counts: Literal["agencies", "units"] = Field(
        description="`agencies`: specialised agencies at the unit's own level; `units`: "
        "units of a lower level."
    )
    noun: str = Field(description="What is counted, in Vietnamese: 'cơ quan chuyên môn'.")
    took_part: int = Field(description="How many had at least one person check in.")
    total: int = Field(description="How many should have taken part (valid in the period).")
    percent: float | None = Field(description="took_part / total, one decimal; null if none.")


class CoverageRowOut(Schema):
    unit_id: int
    name: str
    level: str
    sentence: str = Field(
        description="The parts as the official documents write them: 'cấp tỉnh 14/19 cơ quan "
        "chuyên môn; cấp huyện 9/10 đơn vị; ...'."
    )
    took_part: int = Field(description="The parts' took_part added up.")
    total: int = Field(description="The parts' totals added up.")
    percent: float | None
    parts: list[CoveragePartOut] = Field(description="One figure per level, top down.")


class CoverageOut(Schema):
    filters: FiltersOut
    period: PeriodOut
    sessions: int = Field(description="How many sessions were counted (never cancelled ones).")
    sentence: str = Field(description="The summary row's sentence.")
    summary: CoverageRowOut = Field(description="The unit reported on.")
    children: list[CoverageRowOut] = Field(description="Each unit directly below it.")


class PagedOut(Schema):
    filters: FiltersOut
    count: int = Field(description="Rows in all pages.")
    page: int = Field(description="This page's number, from 1.")
    pages: int = Field(description="How many pages there are.")


class PointRowOut(Schema):
    point_id: int
    name: str = Field(description="The bridge point.")
    unit: str = Field(description="Its administrative unit.")
    sessions: int = Field(description="Sessions counted at which it was a point.")
    invited: int = Field(description="Roster entries (removed ones are not invited).")
    checked_in: int
    on_time: int
    late: int
    completed: int = Field(description="People of its rosters who completed the programme.")


class PointsOut(PagedOut):
    results: list[PointRowOut]


class ProgrammeTotalsOut(Schema):
    sessions: int
    invited: int = Field(description="Invitations, all sessions added up.")
    checked_in: int
    on_time: int
    late: int
    people_invited: int = Field(description="Distinct people invited.")
    people_attended: int = Field(description="Distinct people who checked in at least once.")
    completed: int = Field(description="Distinct people who completed the programme.")


class ProgrammeSessionOut(Schema):
    session_id: int
    title: str
    starts_at: datetime
    points: int = Field(description="Its bridge points under the unit reported on.")
    invited: int
    checked_in: int
    on_time: int
    late: int


class ProgrammeReportOut(PagedOut):
    totals: ProgrammeTotalsOut
    results: list[ProgrammeSessionOut]


class AgencyRowOut(Schema):
    agency_id: int
    name: str
    unit: str = Field(description="The administrative unit the agency is located in.")
    invited: int = Field(description="Distinct people invited.")
    attended: int = Field(description="Distinct people who checked in at least once.")
    completed: int = Field(description="Distinct people who completed the programme.")


class AgenciesOut(PagedOut):
    results: list[AgencyRowOut]


class HistoryPersonOut(Schema):
    id: int
    full_name: str


class YearOut(Schema):
    year: int = Field(description="Calendar year of the sessions.")
    sessions: int = Field(description="Sessions the person was invited to.")
    attended: int = Field(description="Sessions the person checked in at.")
    minutes: int = Field(description="Minutes present, counted as for certificates.")
    hours: float = Field(description="The minutes in hours, one decimal.")


class HistoryLineOut(Schema):
    session_id: int
    title: str
    programme: str
    starts_at: datetime
    point: str = Field(description="The bridge point the person was invited to.")
    checked_in_at: datetime | None
    status: str = Field(description="on_time, late, absent, excused... or upcoming.")
    minutes: int


class HistoryOut(Schema):
    person: HistoryPersonOut
    years: list[YearOut] = Field(description="Totals per calendar year, newest first.")
    sessions: list[HistoryLineOut] = Field(description="The sessions, newest first.")


class ExportOut(Schema):
    id: int
    status: str = Field(description="queued, running, done or failed.")
    status_label: str = Field(description="The status in Vietnamese.")
    rows_total: int = Field(description="Rows the report had when it was asked for.")
    progress_url: str = Field(description="Where to follow it: GET /api/reports/exports/{id}.")
    page_url: str = Field(description="The same export's page, with its progress bar.")


class ExportProgressOut(Schema):
    id: int
    active: bool = Field(description="Still queued or running: ask again in a few seconds.")
    status: str = Field(description="queued, running, done or failed.")
    status_label: str
    rows_done: int = Field(description="Rows written so far.")
    rows_total: int
    percent: int = Field(description="0 to 100; 100 only once done.")
    download_url: str = Field(description="The file, once done (empty before, or once expired).")
    error: str = Field(description="Why it failed, or that its file has expired.")


# The API's one error shape: 400 with `errors` by field, 403 not an organiser, 404 out of scope.
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
