"""The survey set-up page in Chromium: a question's list of choices shows only for a
question answered by one choice from a list."""

import pytest
from django.urls import reverse

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_choices_box_follows_the_kind_of_question(
    transactional_db, rush, browser_for, live_server, tmp_path
):
    # given the organiser on the set-up page of a session with no survey yet, which offers
    # the suggested questions: four scores, one choice, one written answer
    phone = browser_for(rush.organiser, "-")
    page = phone.page
    page.goto(live_server.url + reverse("surveys:survey_setup", args=[rush.session.pk]))
    questions = page.locator("[data-question]")
    kinds = [
        questions.nth(i).locator('select[name$="-kind"]').input_value()
        for i in range(questions.count())
    ]
    assert kinds[:6] == ["scale", "scale", "scale", "scale", "choice", "text"]

    # then only the choice question shows its choices
    for index, kind in enumerate(kinds[:6]):
        choices = questions.nth(index).locator("[data-choices]")
        if kind == "choice":
            expect(choices).to_be_visible()
        else:
            expect(choices).to_be_hidden()

    # when the first question becomes a choice, its box appears; back to a score, it goes
    first = questions.nth(0)
    first.locator('select[name$="-kind"]').select_option("choice")
    expect(first.locator("[data-choices]")).to_be_visible()
    first.locator('select[name$="-kind"]').select_option("scale")
    expect(first.locator("[data-choices]")).to_be_hidden()
    page.screenshot(path=tmp_path / "survey-setup-phone.png", full_page=True)
    assert phone.errors == []
