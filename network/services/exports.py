"""The points in an organiser's scope as a file that the import reads back."""

from collections.abc import Iterator

from django.db.models import QuerySet

from events.models import BridgePoint

from .imports import POINT_COLUMNS

EXPORT_HEADER = [names[0] for names in POINT_COLUMNS.values()] + ["Trạng thái"]


def point_export_rows(points: QuerySet[BridgePoint]) -> Iterator[list[object]]:
    """One row per point and coordinator (one for a point without), in one query."""
    rows = points.order_by("unit__path", "name", "coordinators__pk").values_list(
        "unit__code",
        "name",
        "room",
        "address",
        "capacity",
        "coordinators__person__full_name",
        "coordinators__person__email",
        "coordinators__person__phone",
        "is_active",
        "unit__valid_until",
    )
    for code, name, room, address, capacity, chair, email, phone, active, until in rows.iterator(
        chunk_size=2000
    ):
        if until is not None:
            status = f"Đơn vị cũ (đến {until:%d/%m/%Y})"
        else:
            status = "Đang hoạt động" if active else "Ngừng hoạt động"
        yield [code, name, room, address, capacity, chair or "", email or "", phone or "", status]
