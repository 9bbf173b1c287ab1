import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from directory.models import AdministrativeUnit, Person, RoleAssignment
from events.models import BridgePoint

pytestmark = pytest.mark.django_db


def test_demo_loads_the_seeds_with_a_login_per_role_and_loads_again_unchanged(client):
    # given the demo `make run` loads
    call_command("load_demo", stdout=io.StringIO())
    counts = [model.objects.count() for model in (AdministrativeUnit, Person, BridgePoint)]

    # when it is loaded a second time
    call_command("load_demo", stdout=io.StringIO())

    # then nothing doubled, and every role signs in with the demo password
    assert [model.objects.count() for model in (AdministrativeUnit, Person, BridgePoint)] == counts
    assert BridgePoint.objects.filter(unit__parent__name="Tỉnh Vĩnh Phúc").count() == 9
    assert RoleAssignment.objects.filter(user__username="songlo", role="coordinator").exists()
    for username in ("admin", "bonoivu", "vinhphuc", "songlo"):
        signed_in = client.post(reverse("login"), {"username": username, "password": "diemcau2021"})
        assert signed_in.status_code == 302, username
        assert client.get(reverse("home")).status_code == 200
        client.logout()
