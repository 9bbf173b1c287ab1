"""Demo directory built from the seeds: the Ministry, Bến Tre, Vĩnh Phúc, Điện Biên, Quảng Trị.

The seeds are 2015-2021 events, so the demo's agencies stand in the former (pre-July-2025)
provinces and districts, imported from the list shipped in `directory/data/`.
"""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.text import slugify

from . import services
from .models import AdministrativeUnit, Agency, Person, RoleAssignment

FORMER_UNITS_CSV = Path(__file__).parent / "data" / "former-units-before-2025-07-01.csv"
DEMO_PASSWORD = "diemcau2021"
# Today's Phú Thọ, which took in Vĩnh Phúc on 1 July 2025.
PHU_THO_CODE = "25"
Level = AdministrativeUnit.Level

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hữu", "Ngọc", "Đức", "Thu"]
GIVEN = ["Anh", "Ánh", "Bình", "Chi", "Dũng", "Đạt", "Giang", "Hà", "Hùng", "Lan", "Mai", "Nam"]


@dataclass(frozen=True)
class DemoDirectory:
    admin: AbstractBaseUser
    national_organiser: AbstractBaseUser
    provincial_organiser: AbstractBaseUser
    phu_tho_organiser: AbstractBaseUser
    coordinator: AbstractBaseUser
    host_unit: AdministrativeUnit
    provinces: dict[str, AdministrativeUnit]
    vinh_phuc_districts: list[AdministrativeUnit]
    attendee_email: str


def ascii_slug(text: str) -> str:
    return slugify(text.replace("đ", "d").replace("Đ", "D")).replace("-", "")


def former(level: str, code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code, valid_until__isnull=False)


def staff_user(username: str, full_name: str, *, superuser: bool = False) -> AbstractBaseUser:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        # Vietnamese names read family first, so the whole name goes in first_name, which
        # get_full_name() prints first.
        user = User(username=username, first_name=full_name)
        user.is_superuser = user.is_staff = superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def agency(unit: AdministrativeUnit, name: str, kind: str) -> Agency:
    return Agency.objects.get_or_create(unit=unit, name=name, defaults={"kind": kind})[0]


def person(full_name: str, position: str, at: Agency, email: str) -> Person:
    found = Person.objects.filter(email=email).first()
    return found or Person.objects.create(
        full_name=full_name, position=position, agency=at, email=email
    )


@transaction.atomic
def load_demo_directory() -> DemoDirectory:
    """Idempotent: running it again finds what it made before."""
    services.seed_current_units()
    admin = staff_user("admin", "Quản trị hệ thống", superuser=True)
    if not AdministrativeUnit.objects.filter(valid_until__isnull=False).exists():
        services.import_units(
            actor=admin, file_name=FORMER_UNITS_CSV.name, content=FORMER_UNITS_CSV.read_bytes()
        )
    provinces = {
        "ha_noi": former(Level.PROVINCE, "01"),
        "ben_tre": former(Level.PROVINCE, "83"),
        "vinh_phuc": former(Level.PROVINCE, "26"),
        "dien_bien": former(Level.PROVINCE, "11"),
        "quang_tri": former(Level.PROVINCE, "45"),
    }
    districts = list(provinces["vinh_phuc"].children.order_by("code"))
    _add_ministry_staff()
    _add_provincial_staff(provinces)
    _add_vinh_phuc_district_staff(districts)
    _add_song_lo_contacts(districts)
    national_organiser = staff_user("bonoivu", "Cán bộ Vụ Cải cách hành chính")
    services.grant_role(user=national_organiser, role=RoleAssignment.Role.ORGANISER, unit=None)
    provincial_organiser = staff_user("vinhphuc", "Cán bộ Sở Nội vụ Vĩnh Phúc")
    services.grant_role(
        user=provincial_organiser, role=RoleAssignment.Role.ORGANISER, unit=provinces["vinh_phuc"]
    )
    # Vĩnh Phúc went into Phú Thọ in July 2025: Phú Thọ's Sở Nội vụ organises today's
    # communes there, while the 2021 records stay with the former province's organiser.
    phu_tho_organiser = staff_user("phutho", "Cán bộ Sở Nội vụ Phú Thọ")
    services.grant_role(
        user=phu_tho_organiser,
        role=RoleAssignment.Role.ORGANISER,
        unit=AdministrativeUnit.objects.get(
            level=Level.PROVINCE, code=PHU_THO_CODE, valid_until__isnull=True
        ),
    )
    coordinator = staff_user("songlo", "Đầu mối điểm cầu Sông Lô")
    return DemoDirectory(
        admin=admin,
        national_organiser=national_organiser,
        provincial_organiser=provincial_organiser,
        phu_tho_organiser=phu_tho_organiser,
        coordinator=coordinator,
        host_unit=provinces["ha_noi"],
        provinces=provinces,
        vinh_phuc_districts=districts,
        attendee_email="manh.vv@songlo.example.vn",
    )


def _add_ministry_staff() -> None:
    nation = AdministrativeUnit.objects.get(level=Level.NATION)
    ministry = agency(nation, "Bộ Nội vụ", Agency.Kind.MINISTRY)
    reform_department = agency(nation, "Vụ Cải cách hành chính, Bộ Nội vụ", Agency.Kind.MINISTRY)
    if reform_department.parent_id is None:
        reform_department.parent = ministry
        reform_department.save(update_fields=["parent", "updated_at"])
    person(
        "Phạm Minh Hùng",
        "Vụ trưởng Vụ Cải cách hành chính",
        reform_department,
        "pham.minh.hung@moha.example.vn",
    )


def _add_provincial_staff(provinces: dict[str, AdministrativeUnit]) -> None:
    ben_tre = agency(provinces["ben_tre"], "Sở Nội vụ tỉnh Bến Tre", Agency.Kind.SPECIALISED)
    person("Nguyễn Thị Ngọc Giàu", "Giám đốc Sở Nội vụ", ben_tre, "giau.ntn@bentre.example.vn")
    vinh_phuc = agency(provinces["vinh_phuc"], "Sở Nội vụ tỉnh Vĩnh Phúc", Agency.Kind.SPECIALISED)
    person("Nguyễn Phú Sơn", "Giám đốc Sở Nội vụ", vinh_phuc, "son.np@vinhphuc.example.vn")
    person("Trần Văn Hòa", "Phó Giám đốc Sở Nội vụ", vinh_phuc, "hoa.tv@vinhphuc.example.vn")
    dien_bien = agency(provinces["dien_bien"], "UBND tỉnh Điện Biên", Agency.Kind.PEOPLES_COMMITTEE)
    person("Hoàng Văn Nhân", "Phó Chủ tịch UBND tỉnh", dien_bien, "nhan.hv@dienbien.example.vn")
    quang_tri = agency(
        provinces["quang_tri"], "Sở Ngoại vụ tỉnh Quảng Trị", Agency.Kind.SPECIALISED
    )
    person("Lê Thị Thu Hà", "Chánh Văn phòng Sở Ngoại vụ", quang_tri, "ha.ltt@quangtri.example.vn")


def _add_vinh_phuc_district_staff(districts: list[AdministrativeUnit]) -> None:
    for index, district in enumerate(districts):
        named = district.name[0].lower() + district.name[1:]
        office = agency(district, f"Phòng Nội vụ {named}", Agency.Kind.SPECIALISED)
        committee = agency(district, f"UBND {named}", Agency.Kind.PEOPLES_COMMITTEE)
        slug = ascii_slug(district.name.removeprefix(district.division_type.capitalize()))
        for number in range(6):
            seed = index * 7 + number
            name = (
                f"{FAMILY[seed % len(FAMILY)]} {MIDDLE[seed % len(MIDDLE)]} "
                + GIVEN[seed % len(GIVEN)]
            )
            where = office if number % 2 == 0 else committee
            person(
                name,
                "Chuyên viên" if number else "Trưởng phòng",
                where,
                f"daibieu{number + 1}@{slug}.vinhphuc.example.vn",
            )


def _add_song_lo_contacts(districts: list[AdministrativeUnit]) -> None:
    # Named people beside the generated ones: Mạnh is the demo's attendee.
    song_lo = next(d for d in districts if d.name.endswith("Sông Lô"))
    person(
        "Vũ Văn Mạnh",
        "Trưởng Phòng Nội vụ",
        Agency.objects.get(unit=song_lo, name="Phòng Nội vụ huyện Sông Lô"),
        "manh.vv@songlo.example.vn",
    )
    person(
        "Triệu Văn Chúc",
        "Phó Chủ tịch UBND huyện",
        Agency.objects.get(unit=song_lo, name="UBND huyện Sông Lô"),
        "chuc.tv@songlo.example.vn",
    )
