"""Demo bridge points from the seeds: the Ministry's host point and the provincial and
district points of Bến Tre, Vĩnh Phúc (its nine districts), Điện Biên and Quảng Trị."""

from django.db import transaction

from directory.demo import DemoDirectory
from directory.models import AdministrativeUnit

from .models import BridgePoint
from .services import assign_coordinator


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
