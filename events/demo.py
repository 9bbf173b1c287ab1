"""Demo bridge points from the seeds: the Ministry's host point and the provincial and
district points of Bến Tre, Vĩnh Phúc (its nine districts), Điện Biên and Quảng Trị."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from directory.demo import DemoDirectory
from directory.models import AdministrativeUnit, Agency
from training.models import Programme
from training.services import add_material, create_programme

from .models import BridgePoint, Session, SessionSeries
from .services import (
    AgendaEntry,
    PointSelection,
    UnitRule,
    advance_sessions,
    assign_coordinator,
    invite_agency,
    schedule_series,
    schedule_session,
)


def point(unit: AdministrativeUnit, name: str, **fields: object) -> BridgePoint:
    return BridgePoint.objects.get_or_create(unit=unit, name=name, defaults=fields)[0]


@transaction.atomic
def load_demo_points(directory: DemoDirectory) -> list[BridgePoint]:
    """Idempotent."""
    provinces = directory.provinces
    points = [
        point(
            directory.host_unit,
            "Điểm cầu chính Bộ Nội vụ",
            is_host=True,
            room="Hội trường tầng 2",
            address="8 Tôn Thất Thuyết, Cầu Giấy, Hà Nội",
            capacity=150,
            equipment_notes="Phòng họp trực tuyến của Bộ; kỹ thuật viên trực.",
        ),
        point(
            provinces["ben_tre"],
            "Điểm cầu tỉnh Bến Tre",
            room="Phòng họp UBND tỉnh",
            address="7 Cách Mạng Tháng Tám, TP. Bến Tre",
            capacity=80,
        ),
        point(
            provinces["vinh_phuc"],
            "Điểm cầu tỉnh Vĩnh Phúc",
            room="Hội trường Sở Nội vụ",
            address="Đường Nguyễn Trãi, TP. Vĩnh Yên",
            capacity=60,
        ),
        point(
            provinces["dien_bien"],
            "Điểm cầu tỉnh Điện Biên",
            room="Phòng họp trực tuyến UBND tỉnh",
            address="TP. Điện Biên Phủ",
            capacity=60,
        ),
        point(
            provinces["quang_tri"],
            "Điểm cầu Sở Ngoại vụ Quảng Trị",
            room="Hội trường Sở",
            address="TP. Đông Hà",
            capacity=50,
        ),
    ]
    for district in directory.vinh_phuc_districts:
        points.append(
            point(
                district,
                f"Điểm cầu {district.name}",
                room=f"Phòng họp UBND {district.name}",
                capacity=40,
            )
        )
    song_lo = next(p for p in points if p.unit.name.endswith("Sông Lô"))
    assign_coordinator(point=song_lo, user=directory.coordinator)
    return points


def _programme(directory: DemoDirectory, **fields: object) -> Programme:
    found = Programme.objects.filter(code=fields["code"]).first()
    return found or create_programme(actor=directory.admin, **fields)


def _once(title: str, schedule: Callable[[], object]) -> None:
    if not Session.objects.filter(title=title).exists():
        schedule()


@transaction.atomic
def load_demo_sessions(directory: DemoDirectory, points: list[BridgePoint]) -> None:
    """The seeds' sessions, a monthly series and one upcoming session; idempotent."""
    host, ben_tre, vinh_phuc, dien_bien, quang_tri, *districts = points
    nation = AdministrativeUnit.objects.get(level=AdministrativeUnit.Level.NATION)
    # In the seeds' order, so a fresh demo hands out the same ids every time.
    national = _national_programme(directory, nation)
    _schedule_ministry_training(directory, national, host)
    _schedule_vinh_phuc_rollout(directory, vinh_phuc)
    _schedule_quang_tri_monthly_series(directory, quang_tri)
    _schedule_2015_review(directory, nation, host, dien_bien)
    _schedule_upcoming_training(directory, national, host, (ben_tre, vinh_phuc), districts)


def _national_programme(directory: DemoDirectory, nation: AdministrativeUnit) -> Programme:
    national = _programme(
        directory,
        title="Tập huấn CCHC năm 2021",
        code="CCHC-2021",
        year=2021,
        unit=nation,
        issuing_body="Bộ Nội vụ",
        reform_area_numbers=range(1, 7),
        required_sessions=1,
        min_minutes_present=120,
    )
    if not national.materials.exists():
        for title, number in (
            ("Nghị quyết ban hành Chương trình tổng thể CCHC nhà nước 2021-2030", "76/NQ-CP"),
            ("Chỉ thị về đẩy mạnh thực hiện Chương trình tổng thể CCHC", "23/CT-TTg"),
        ):
            add_material(
                actor=directory.admin,
                programme=national,
                title=title,
                kind="legal_document",
                document_number=number,
                url="https://vanban.chinhphu.vn/",
            )
    return national


def _schedule_ministry_training(
    directory: DemoDirectory, national: Programme, host: BridgePoint
) -> None:
    zone = timezone.get_current_timezone()
    agenda = (
        AgendaEntry(
            datetime(2021, 11, 23, 8, 0, tzinfo=zone),
            "Giới thiệu Chương trình tổng thể CCHC nhà nước giai đoạn 2021-2030",
            "Lãnh đạo Vụ Cải cách hành chính",
        ),
        AgendaEntry(
            datetime(2021, 11, 23, 9, 30, tzinfo=zone),
            "Triển khai Chỉ thị số 23/CT-TTg ngày 02/9/2021",
            "Lãnh đạo Vụ Cải cách hành chính",
        ),
    )
    title = "Hội nghị tập huấn trực tuyến cải cách hành chính năm 2021"
    _once(
        title,
        lambda: schedule_session(
            actor=directory.national_organiser,
            programme=national,
            title=title,
            starts_at=datetime(2021, 11, 23, 8, 0, tzinfo=zone),
            ends_at=datetime(2021, 11, 23, 11, 30, tzinfo=zone),
            host_point=host,
            meeting_url="https://hop.moha.example.vn/cchc-2021",
            agenda=agenda,
            selection=PointSelection(rules=(UnitRule(level="province"),)),
            record_past=True,
        ),
    )


def _schedule_vinh_phuc_rollout(directory: DemoDirectory, vinh_phuc: BridgePoint) -> None:
    zone = timezone.get_current_timezone()
    provincial = _programme(
        directory,
        title="Triển khai CCHC tỉnh Vĩnh Phúc giai đoạn 2021-2025",
        code="VP-CCHC-2021",
        year=2021,
        unit=vinh_phuc.unit,
        issuing_body="Sở Nội vụ tỉnh Vĩnh Phúc",
        reform_area_numbers=range(1, 7),
    )
    title = "Hội nghị trực tuyến triển khai các văn bản về CCHC giai đoạn 2021-2025"
    _once(
        title,
        lambda: schedule_session(
            actor=directory.provincial_organiser,
            programme=provincial,
            title=title,
            starts_at=datetime(2021, 11, 3, 8, 0, tzinfo=zone),
            ends_at=datetime(2021, 11, 3, 11, 0, tzinfo=zone),
            host_point=vinh_phuc,
            selection=PointSelection(
                rules=(UnitRule(unit_id=vinh_phuc.unit_id, level="district"),)
            ),
            record_past=True,
        ),
    )


def _schedule_quang_tri_monthly_series(directory: DemoDirectory, quang_tri: BridgePoint) -> None:
    zone = timezone.get_current_timezone()
    monthly = _programme(
        directory,
        title="Sinh hoạt chính trị đầu tháng, Sở Ngoại vụ Quảng Trị",
        code="QT-SHCT-2021",
        year=2021,
        unit=quang_tri.unit,
        issuing_body="Sở Ngoại vụ tỉnh Quảng Trị",
        reform_area_numbers=[1, 4],
    )
    title = "Chào cờ và sinh hoạt chính trị đầu tháng"
    if not SessionSeries.objects.filter(title=title).exists():
        schedule_series(
            actor=directory.admin,
            programme=monthly,
            title=title,
            rule="FREQ=MONTHLY;BYDAY=1MO;COUNT=12",
            first_start=datetime(2021, 8, 2, 7, 30, tzinfo=zone),
            duration=timedelta(hours=1, minutes=30),
            host_point=quang_tri,
            selection=PointSelection(add=(quang_tri.pk,)),
            record_past=True,
        )


def _schedule_2015_review(
    directory: DemoDirectory,
    nation: AdministrativeUnit,
    host: BridgePoint,
    dien_bien: BridgePoint,
) -> None:
    zone = timezone.get_current_timezone()
    review = _programme(
        directory,
        title="Đẩy mạnh CCHC và cải cách chế độ công vụ, công chức năm 2015",
        code="CCHC-2015",
        year=2015,
        unit=nation,
        issuing_body="Bộ Nội vụ",
        reform_area_numbers=[1, 2, 4],
    )
    title = "Hội nghị trực tuyến về đẩy mạnh CCHC và cải cách chế độ công vụ, công chức"
    _once(
        title,
        lambda: schedule_session(
            actor=directory.national_organiser,
            programme=review,
            title=title,
            starts_at=datetime(2015, 3, 26, 8, 0, tzinfo=zone),
            ends_at=datetime(2015, 3, 26, 11, 30, tzinfo=zone),
            host_point=host,
            selection=PointSelection(add=(dien_bien.pk,)),
            record_past=True,
        ),
    )


def _schedule_upcoming_training(
    directory: DemoDirectory,
    national: Programme,
    host: BridgePoint,
    provinces: tuple[BridgePoint, ...],
    districts: list[BridgePoint],
) -> None:
    title = "Tập huấn nghiệp vụ CCHC cho cán bộ đầu mối"
    if Session.objects.filter(title=title).exists():
        return
    # A week from today, so the demo always has a session still to come.
    start = (timezone.localtime() + timedelta(days=7)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    upcoming = schedule_session(
        actor=directory.national_organiser,
        programme=national,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        host_point=host,
        meeting_url="https://hop.moha.example.vn/nghiep-vu-cchc",
        selection=PointSelection(add=tuple(p.pk for p in (*provinces, *districts))),
    ).session
    song_lo = next(p for p in districts if p.unit.name.endswith("Sông Lô"))
    for agency in Agency.objects.filter(unit=song_lo.unit):
        invite_agency(
            actor=directory.national_organiser,
            session=upcoming,
            point=song_lo,
            agency=agency,
        )


def advance_demo_sessions() -> dict[str, int]:
    """What the beat does every few minutes, done once: the demo's past sessions become
    held and their organisers are told when each will close itself (a session the demo
    closed itself, as the certificates' one, stays closed); idempotent.

    Run after the other apps' demos, which fill past sessions' rosters as if before the
    event: a held session takes no new invitations."""
    return advance_sessions()
