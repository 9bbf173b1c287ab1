"""The pages' templates hold nothing the Content-Security-Policy would refuse to run: no
inline event handlers, no inline scripts, no `javascript:` links, no <style> blocks.

E-mail templates are not pages (no policy applies in a mail reader) and are left out.
Inline `style=""` attributes are allowed by the policy (`style-src-attr`, see
config/security.py) and not checked here.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    path
    for path in (ROOT / "templates").rglob("*.html")
    if "email" not in path.relative_to(ROOT / "templates").parts
)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT = re.compile(r"<script\b(?P<attributes>[^>]*)>", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)


def page_name(path: Path) -> str:
    return str(path.relative_to(ROOT / "templates"))


def test_the_templates_are_found():
    assert len(PAGES) > 20


@pytest.mark.parametrize("path", PAGES, ids=page_name)
def test_a_page_template_has_no_inline_handler_script_or_style(path):
    html = path.read_text()

    assert not HANDLER.search(html), "inline event handler"
    for script in SCRIPT.finditer(html):
        assert "src=" in script["attributes"], f"inline script: {script[0]}"
    assert not JAVASCRIPT_URL.search(html)
    assert not STYLE_BLOCK.search(html)
