"""Demo arrivals: the Ministry's session of 23/11/2021 in four provinces, so that the reports
and the dashboard have figures. The 03/11/2021 session at Sông Lô, whose certificates and
survey the higher apps' demos build, is named here because every one of them uses it."""

from datetime import timedelta

from directory.demo import DemoDirectory
from directory.models import Agency
from events.models import BridgePoint, RosterEntry, Session
from events.services import invite_agency

from .models import Attendance

DEMO_SESSION = "Hội nghị trực tuyến triển khai các văn bản về CCHC giai đoạn 2021-2025"

NATIONAL_SESSION = "Hội nghị tập huấn trực tuyến cải cách hành chính năm 2021"
# Who came to the Ministry's session of 23/11/2021, by agency name, at which point: every
# province's point, and at Vĩnh Phúc's its own department with six of its nine districts.
NATIONAL_ARRIVALS = {
    "Điểm cầu chính Bộ Nội vụ": ("Vụ Cải cách hành chính, Bộ Nội vụ",),
    "Điểm cầu tỉnh Bến Tre": ("Sở Nội vụ tỉnh Bến Tre",),
    "Điểm cầu tỉnh Điện Biên": ("UBND tỉnh Điện Biên",),
    "Điểm cầu Sở Ngoại vụ Quảng Trị": ("Sở Ngoại vụ tỉnh Quảng Trị",),
    "Điểm cầu tỉnh Vĩnh Phúc": (
        "Sở Nội vụ tỉnh Vĩnh Phúc",
        "Phòng Nội vụ thành phố Vĩnh Yên",
        "Phòng Nội vụ thành phố Phúc Yên",
        "Phòng Nội vụ huyện Lập Thạch",
        "Phòng Nội vụ huyện Tam Dương",
        "Phòng Nội vụ huyện Bình Xuyên",
        "Phòng Nội vụ huyện Sông Lô",
    ),
}
# Invited to the Vĩnh Phúc point but nobody came: the reports show invited against present.
NATIONAL_ABSENT = {"Điểm cầu tỉnh Vĩnh Phúc": ("Phòng Nội vụ huyện Tam Đảo",)}


def load_demo_national_checkins(directory: DemoDirectory, points: list[BridgePoint]) -> None:
    """Arrivals at the Ministry's session of 23/11/2021 (not closed, so no certificates),
    so that the reports and the dashboard have figures for every province; idempotent."""
    session = Session.objects.filter(title=NATIONAL_SESSION).first()
    if session is None or Attendance.objects.filter(session=session).exists():
        return
    by_name = {point.name: point for point in points}
    agencies = {agency.name: agency for agency in Agency.objects.all()}
    arrived = []
    for point_name, names in NATIONAL_ARRIVALS.items():
        point = by_name[point_name]
        for name in (*names, *NATIONAL_ABSENT.get(point_name, ())):
            invite_agency(
                actor=directory.national_organiser,
                session=session,
                point=point,
                agency=agencies[name],
            )
        arrived.extend(agencies[name].pk for name in names)
    entries = (
        RosterEntry.objects.filter(session=session, removed_at=None, person__agency_id__in=arrived)
        .select_related("person")
        .order_by("person__sort_name")
    )
    # Most arrive in the quarter hour before the start; every fifth is twenty minutes late.
    for index, entry in enumerate(entries):
        late = index % 5 == 4
        Attendance.objects.get_or_create(
            entry=entry,
            defaults={
                "session": session,
                "participation_id": entry.participation_id,
                "checked_in_at": session.starts_at
                + timedelta(minutes=20 if late else -15 + index % 10),
            },
        )
