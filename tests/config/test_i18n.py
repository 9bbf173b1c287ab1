import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES"


def test_pages_are_vietnamese_by_default(client):
    response = client.get(reverse("login"))

    assert response["Content-Language"] == "vi"
    assert "Đăng nhập cho cán bộ" in response.content.decode()


def test_the_switcher_turns_the_pages_english_and_back(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    english = client.get(reverse("login"))

    client.post(reverse("set_language"), {"language": "vi", "next": "/accounts/login/"})
    vietnamese = client.get(reverse("login"))

    assert "Staff sign-in" in english.content.decode()
    assert english["Content-Language"] == "en"
    assert "Đăng nhập cho cán bộ" in vietnamese.content.decode()


def test_the_page_offers_the_switcher(client):
    page = client.get(reverse("login")).content.decode()

    assert 'name="language" value="en"' in page
    assert 'name="language" value="vi"' in page


def test_every_message_has_a_vietnamese_translation():
    catalogue = polib.pofile(CATALOGUE / "django.po")

    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_source():
    source = {entry.msgid: entry.msgstr for entry in polib.pofile(CATALOGUE / "django.po")}
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(CATALOGUE / "django.mo")}

    assert compiled == source


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    # given a copy of the code and its catalogue, so the repository is left as it is
    root = CATALOGUE.parents[2]
    for folder in (
        "config",
        "common",
        "directory",
        "training",
        "events",
        "attendance",
        "surveys",
        "certificates",
        "reports",
        "privacy",
        "network",
        "home",
        "templates",
        "locale",
    ):
        shutil.copytree(root / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]

    # when makemessages reads the code and templates again
    call_command("makemessages", locale=["vi"], verbosity=0, no_obsolete=True)

    # then nothing new appeared that lacks a translation
    refreshed = polib.pofile(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po")
    assert [entry.msgid for entry in refreshed.untranslated_entries()] == []
    # A new string that only resembles an old one comes back fuzzy, which gettext ignores.
    assert [entry.msgid for entry in refreshed.fuzzy_entries()] == []
