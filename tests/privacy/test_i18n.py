"""The privacy app's strings are in the Vietnamese catalogue: the same check as
tests/config/test_i18n.py, over the folders it reads plus this app's."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = (
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
    "templates",
    "locale",
)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_every_string_of_the_privacy_app_has_its_vietnamese(tmp_path, settings, monkeypatch):
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]

    call_command("makemessages", locale=["vi"], verbosity=0, no_obsolete=True)

    refreshed = polib.pofile(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po")
    assert [entry.msgid for entry in refreshed.untranslated_entries()] == []
    assert [entry.msgid for entry in refreshed.fuzzy_entries()] == []
    privacy = [e for e in refreshed if any("privacy" in path for path, _line in e.occurrences)]
    assert len(privacy) > 100
