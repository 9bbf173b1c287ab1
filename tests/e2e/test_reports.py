"""The coverage report on a phone: the seeds' sentence, the chart drawn by Chart.js, and an
export followed to its download link."""

import pytest
from django.urls import reverse

from .conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )

from playwright.sync_api import expect

from tests.reports.test_reports import SEED_SENTENCE, build_demo_province

pytestmark = pytest.mark.e2e


def test_coverage_page_draws_the_chart_on_a_phone(
    transactional_db, live_server, browser_for, tmp_path
):
    # given: the demo province and a national organiser
    from tests import factories

    demo = build_demo_province()
    national = factories.organiser(None, username="vu-cchc-bieu-do")
    phone = browser_for(national, "-")
    page = phone.page

    # when: the nation's coverage of the session
    page.goto(live_server.url + reverse("reports:report_coverage") + f"?session={demo.session.pk}")

    # then: the chart is drawn (Chart.js marks its canvas) and the province's row reads as
    # the seeds do
    expect(page.locator("#coverage-sentence")).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('coverage-chart'))"
    )
    bars = page.evaluate(
        "() => Chart.getChart(document.getElementById('coverage-chart')).data.labels"
    )
    assert "Tỉnh Minh Hoạ" in bars
    expect(page.get_by_text(SEED_SENTENCE)).to_be_visible()
    page.wait_for_timeout(1200)  # Chart.js grows the bars for a second
    page.screenshot(path=tmp_path / "coverage-nation-phone.png", full_page=True)

    # and the province's own page: its districts as the chart's rows
    page.goto(
        live_server.url
        + reverse("reports:report_coverage")
        + f"?session={demo.session.pk}&unit={demo.province.pk}"
    )
    expect(page.locator("#coverage-sentence")).to_have_text(SEED_SENTENCE)
    page.wait_for_timeout(1200)
    page.screenshot(path=tmp_path / "coverage-province-phone.png", full_page=True)
    assert phone.errors == []
