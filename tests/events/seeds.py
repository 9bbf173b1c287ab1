"""The two 2021 seed sessions, rebuilt through the service layer."""

from datetime import datetime
from zoneinfo import ZoneInfo

from events.services import AgendaEntry, PointSelection, UnitRule, schedule_session
from tests import factories

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=HCM)


def ministry_training(network, organiser, **overrides):
    """The Ministry's online training of 23/11/2021, received at every province's point."""
    fields = {
        "actor": organiser,
        "programme": factories.ProgrammeFactory(created_by=organiser),
        "title": "Hội nghị tập huấn trực tuyến cải cách hành chính năm 2021",
        "starts_at": at("2021-11-23", "08:00"),
        "ends_at": at("2021-11-23", "11:30"),
        "host_point": network.host,
        "meeting_url": "https://hop.moha.example.vn/cchc-2021",
        "selection": PointSelection(rules=(UnitRule(level="province"),)),
        "agenda": (
            AgendaEntry(
                at("2021-11-23", "08:00"),
                "Giới thiệu Chương trình tổng thể CCHC 2021-2030 (Nghị quyết 76/NQ-CP)",
                "Lãnh đạo Vụ Cải cách hành chính",
            ),
            AgendaEntry(
                at("2021-11-23", "09:30"),
                "Triển khai Chỉ thị số 23/CT-TTg ngày 02/9/2021",
                "Lãnh đạo Vụ Cải cách hành chính",
            ),
        ),
        "record_past": True,
    }
    return schedule_session(**{**fields, **overrides})


def vinh_phuc_session(network, organiser, **overrides):
    """Sở Nội vụ Vĩnh Phúc's session of 03/11/2021 to its nine district points."""
    fields = {
        "actor": organiser,
        "programme": factories.ProgrammeFactory(
            title="Triển khai CCHC tỉnh Vĩnh Phúc 2021-2025",
            unit=network.vinh_phuc,
            issuing_body="Sở Nội vụ tỉnh Vĩnh Phúc",
            created_by=organiser,
        ),
        "title": "Hội nghị trực tuyến triển khai các văn bản về CCHC giai đoạn 2021-2025",
        "starts_at": at("2021-11-03", "08:00"),
        "ends_at": at("2021-11-03", "11:00"),
        "host_point": network.vinh_phuc_point,
        "selection": PointSelection(
            rules=(UnitRule(unit_id=network.vinh_phuc.pk, level="district"),)
        ),
        "record_past": True,
    }
    return schedule_session(**{**fields, **overrides})
