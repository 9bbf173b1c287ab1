import factory
from django.contrib.auth import get_user_model

from directory.models import AdministrativeUnit, Agency, Person, RoleAssignment
from directory.services import save_unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("mật-khẩu-thử")


class UnitFactory(factory.django.DjangoModelFactory):
    """Units are saved through the service, which keeps the materialised path right."""

    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    level = AdministrativeUnit.Level.COMMUNE
    parent = None

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> AdministrativeUnit:
        return save_unit(unit=model_class(*args, **kwargs))


def nation() -> AdministrativeUnit:
    existing = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.NATION).first()
    return existing or UnitFactory(
        level=AdministrativeUnit.Level.NATION, code="VN", name="Việt Nam"
    )


def province(name: str, code: str, **fields: object) -> AdministrativeUnit:
    return UnitFactory(
        level=AdministrativeUnit.Level.PROVINCE, code=code, name=name, parent=nation(), **fields
    )


def default_province() -> AdministrativeUnit:
    existing = AdministrativeUnit.objects.filter(code="99", level="province").first()
    return existing or province("Tỉnh Thử", "99")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    unit = factory.LazyFunction(default_province)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    position = "Chuyên viên"
    agency = factory.SubFactory(AgencyFactory)
    email = factory.Sequence(lambda n: f"nguoi{n}@example.vn")


def organiser(unit: AdministrativeUnit | None, username: str | None = None) -> object:
    user = UserFactory(username=username) if username else UserFactory()
    RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.ORGANISER, unit=unit)
    return user


def coordinator(unit: AdministrativeUnit, username: str | None = None) -> object:
    user = UserFactory(username=username) if username else UserFactory()
    RoleAssignment.objects.create(user=user, role=RoleAssignment.Role.COORDINATOR, unit=unit)
    return user


class BridgePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.BridgePoint"

    name = factory.Sequence(lambda n: f"Điểm cầu {n}")
    unit = factory.LazyFunction(default_province)
    room = "Hội trường"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Programme"
        skip_postgeneration_save = True

    title = "Tập huấn CCHC năm 2021"
    code = factory.Sequence(lambda n: f"CCHC-2021-{n}")
    year = 2021
    unit = factory.LazyFunction(nation)
    issuing_body = "Bộ Nội vụ"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def reform_areas(self, create: bool, extracted: object, **kwargs: object) -> None:
        from training.models import ReformArea

        if create:
            self.reform_areas.set(extracted or ReformArea.objects.all())
