"""Pickers: a choice among thousands is typed, not scrolled; the endpoints answer only what
the caller may choose, without regard to accents."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from common.pickers import MultiPicker, Picker
from common.search import fold
from directory.models import AdministrativeUnit
from events.models import BridgePoint, SessionPoint
from tests import factories


def results(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.json()


def texts(data):
    return [row["text"] for row in data["results"]]


def test_fold_drops_tones_and_marks_and_reads_d_bar_as_d():
    assert fold("  Điểm cầu Xã Lãng   Công ") == "diem cau xa lang cong"
    assert fold("ĐIỆN BIÊN") == "dien bien"


def test_the_unit_picker_finds_without_accents(client, network, ministry_organiser):
    client.force_login(ministry_organiser)

    data = results(client, "directory:pick_units", q="vinh phuc")

    assert texts(data)[0] == "Tỉnh Vĩnh Phúc"


def test_the_whole_phrase_at_the_start_ranks_first(client, network, ministry_organiser):
    client.force_login(ministry_organiser)

    data = results(client, "directory:pick_units", q="huyen tam")

    assert texts(data)[:2] == ["Huyện Tam Dương", "Huyện Tam Đảo"]


def test_a_provincial_organiser_is_offered_only_their_province(
    client, network, vinh_phuc_organiser
):
    client.force_login(vinh_phuc_organiser)

    everything = texts(results(client, "directory:pick_units"))
    ben_tre = texts(results(client, "directory:pick_units", q="ben tre"))
    outside = texts(results(client, "directory:pick_units", within=network.ben_tre.pk))

    assert "Tỉnh Bến Tre" not in everything
    assert ben_tre == []
    assert outside == []


def test_units_by_level_and_within(client, network, ministry_organiser):
    client.force_login(ministry_organiser)

    data = results(
        client,
        "directory:pick_units",
        level=AdministrativeUnit.Level.DISTRICT,
        within=network.vinh_phuc.pk,
    )

    assert len(data["results"]) == 9
    assert data["results"][0]["hint"].startswith("Tỉnh Vĩnh Phúc")


def test_pages_of_twenty_say_when_there_are_more(client, network, ministry_organiser):
    client.force_login(ministry_organiser)
    province = network.ben_tre
    for number in range(25):
        factories.UnitFactory(code=f"9{number:04d}", name=f"Xã Thử {number}", parent=province)

    first = results(client, "directory:pick_units", q="xa thu")
    second = results(client, "directory:pick_units", q="xa thu", page=2)

    assert (len(first["results"]), first["more"]) == (20, True)
    assert (len(second["results"]), second["more"]) == (5, False)


def test_the_point_picker_keeps_to_the_callers_reach(client, network, vinh_phuc_organiser):
    client.force_login(vinh_phuc_organiser)

    names = texts(results(client, "events:pick_points", q="diem cau"))

    assert "Điểm cầu tỉnh Vĩnh Phúc" in names
    assert "Điểm cầu tỉnh Bến Tre" not in names
    assert "Điểm cầu chính Bộ Nội vụ" not in names


def test_deactivated_points_are_offered_only_when_asked(client, network, ministry_organiser):
    BridgePoint.objects.filter(pk=network.ben_tre_point.pk).update(is_active=False)
    client.force_login(ministry_organiser)

    active = texts(results(client, "events:pick_points", q="ben tre"))
    every = texts(results(client, "events:pick_points", q="ben tre", all="1"))

    assert active == []
    assert every == ["Điểm cầu tỉnh Bến Tre"]


def test_people_are_found_by_name_without_accents_and_by_phone(client, two_provinces):
    organiser = factories.organiser(two_provinces["vinh_phuc"])
    agency = factories.AgencyFactory(unit=two_provinces["commune"], name="UBND xã Lãng Công")
    factories.PersonFactory(full_name="Nguyễn Thị Ánh", agency=agency, phone="0912345678")
    elsewhere = factories.AgencyFactory(unit=two_provinces["ben_tre"])
    factories.PersonFactory(full_name="Nguyễn Thị Ánh Bến Tre", agency=elsewhere)
    client.force_login(organiser)

    by_name = results(client, "directory:pick_people", q="nguyen thi anh")
    by_phone = results(client, "directory:pick_people", q="0912345678")

    assert texts(by_name) == ["Nguyễn Thị Ánh"]
    assert "UBND xã Lãng Công" in by_name["results"][0]["hint"]
    assert texts(by_phone) == ["Nguyễn Thị Ánh"]


def test_attendees_and_strangers_get_nothing(client, network):
    attendee = factories.UserFactory()
    client.force_login(attendee)

    assert client.get(reverse("directory:pick_units")).status_code == 403
    assert client.get(reverse("events:pick_points")).status_code == 403
    client.logout()
    assert client.get(reverse("directory:pick_people")).status_code == 302


@pytest.mark.parametrize("count", [9, 60])
def test_the_point_picker_costs_the_same_for_any_number(
    client, network, ministry_organiser, django_assert_max_num_queries, count
):
    for number in range(count):
        factories.BridgePointFactory(name=f"Điểm cầu thử {number}", unit=network.ben_tre)
    client.force_login(ministry_organiser)
    client.get(reverse("events:pick_points"))

    with django_assert_max_num_queries(6):
        client.get(reverse("events:pick_points"), {"q": "diem cau thu"})


class PointForm(forms.Form):
    point = forms.ModelChoiceField(
        queryset=BridgePoint.objects.all(), widget=Picker(source="events:pick_points")
    )
    points = forms.ModelMultipleChoiceField(
        queryset=BridgePoint.objects.all(),
        required=False,
        widget=MultiPicker(source="events:pick_points", params={"within": 7}),
    )


def test_a_picker_renders_only_the_chosen_options(network, django_assert_max_num_queries):
    form = PointForm(
        initial={"point": network.host.pk, "points": [p.pk for p in network.district_points[:2]]}
    )

    with django_assert_max_num_queries(2):
        html = str(form["point"]) + str(form["points"])

    assert html.count("<option") == 1 + 1 + 2  # the empty choice, the host, two districts
    assert 'data-picker-source="/points/pick/"' in html
    assert 'data-picker-source="/points/pick/?within=7"' in html
    assert "Điểm cầu chính Bộ Nội vụ" in html


def test_a_posted_choice_is_still_checked_against_the_queryset(network):
    form = PointForm(data={"point": "999999"})

    assert not form.is_valid()
    assert "point" in form.errors


def test_the_point_picker_narrows_to_a_session_or_a_programme(client, upcoming):
    session = upcoming.session
    client.force_login(factories.organiser(None, username="quoc-gia"))

    by_session = texts(results(client, "events:pick_points", session=session.pk))
    by_programme = texts(results(client, "events:pick_points", programme=session.programme_id))
    other = texts(results(client, "events:pick_points", session=session.pk + 1000))

    assert (
        sorted(by_session)
        == sorted(by_programme)
        == [
            "Điểm cầu Huyện Sông Lô",
            "Điểm cầu Huyện Tam Đảo",
        ]
    )
    assert other == []


def test_a_point_taken_away_from_the_session_is_not_offered_for_it(client, upcoming):
    # given: the Sông Lô point, with its delegates, taken away from the session (its row stays)
    session = upcoming.session
    SessionPoint.every.filter(pk=upcoming.song_lo.pk).update(removed_at=timezone.now())
    client.force_login(factories.organiser(None, username="quoc-gia"))

    by_session = texts(results(client, "events:pick_points", session=session.pk))
    by_programme = texts(results(client, "events:pick_points", programme=session.programme_id))

    assert by_session == by_programme == ["Điểm cầu Huyện Tam Đảo"]
