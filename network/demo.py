"""The demo's national network: a point at each of today's 34 provinces and 3,321 communes,
a coordinator at a few communes, and the former provinces linked to their successors."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from directory.models import AdministrativeUnit
from directory.selectors import scope_for
from directory.services.succession import load_province_successions
from events.models import BridgePoint

from .services.coordinators import Appointment, appoint_coordinators, match_people, read_details
from .services.generate import generate_points

Level = AdministrativeUnit.Level
# Communes of Phú Thọ (code 25), which took in Vĩnh Phúc, where the 2021 seeds took place.
DEMO_COORDINATORS = [
    ("Nguyễn Văn Hải", "0912000001"),
    ("Trần Thị Hương", "0912000002"),
    ("Lê Minh Tuấn", "0912000003"),
    ("Phạm Thu Trang", "0912000004"),
    ("Đỗ Đức Thắng", "0912000005"),
]


@dataclass(frozen=True)
class DemoNetwork:
    provinces: int
    communes: int
    coordinators: int
    successions: int


@transaction.atomic
def load_demo_network(organiser: AbstractBaseUser) -> DemoNetwork:
    """Idempotent: a second run adds nothing. `organiser` is the national organiser."""
    generate_points(actor=organiser, within=None, level=Level.PROVINCE)
    generate_points(actor=organiser, within=None, level=Level.COMMUNE)
    successions = load_province_successions()
    communes = list(
        BridgePoint.objects.filter(
            unit__level=Level.COMMUNE,
            unit__valid_until__isnull=True,
            unit__parent__code="25",
            unit__parent__valid_until__isnull=True,
        )
        .select_related("unit")
        .order_by("unit__code")[: len(DEMO_COORDINATORS)]
    )
    appointments = []
    for point, (full_name, phone) in zip(communes, DEMO_COORDINATORS, strict=False):
        email = f"daumoi.{point.unit.code}@example.vn"
        details, _errors = read_details(full_name, email, phone)
        appointments.append(Appointment(point, details=details))
    known, _refused = match_people([a.details for a in appointments], scope_for(organiser))
    if appointments:
        appoint_coordinators(actor=organiser, appointments=appointments, known=known)
    active = BridgePoint.objects.filter(is_active=True, unit__valid_until__isnull=True)
    return DemoNetwork(
        provinces=active.filter(unit__level=Level.PROVINCE).count(),
        communes=active.filter(unit__level=Level.COMMUNE).count(),
        coordinators=len(appointments),
        successions=successions,
    )
