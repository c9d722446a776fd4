"""The candidate page as served: headers, what the script is told, languages, overrides.

The journey itself runs in a real browser (tests/ui/test_browser.py)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

import django_interview_panels

from .conftest import PAGE

APP = Path(django_interview_panels.__file__).parent
LOCALE = APP / "locale" / "fr" / "LC_MESSAGES"
SCRIPT = APP / "static" / "django_interview_panels" / "ui" / "interview.js"


def get_page(**headers: str):
    return Client().get(PAGE, **headers)


def test_the_page_is_served_with_headers_that_keep_it_to_itself():
    response = get_page()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "Accept-Language" in response["Vary"]


def test_the_page_has_no_inline_script_or_style_so_its_policy_can_forbid_them():
    html = get_page().content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert " style=" not in html and "<style" not in html
    # No event handler attributes (onclick=...) either.
    assert not re.search(r"<[^>]*\son[a-z]+=", html)


def test_the_script_is_told_where_the_api_is_mounted():
    html = get_page().content.decode()
    # tests/urls.py mounts the API at /api/panel/.
    assert 'data-api-overview="/api/panel/interview/"' in html
    assert 'data-api-start="/api/panel/interview/start/"' in html
    assert 'data-api-attempt="/api/panel/interview/attempt/"' in html
    assert 'data-api-submit="/api/panel/interview/submit/"' in html
    answer = "/api/panel/interview/answers/00000000-0000-0000-0000-000000000000/"
    assert f'data-api-answer="{answer}"' in html
    assert 'data-max-answer-length="20000"' in html


@override_settings(ROOT_URLCONF="tests.ui.urls_page_only")
def test_a_page_without_the_api_says_what_to_include():
    with pytest.raises(ImproperlyConfigured, match=r"django_interview_panels\.urls"):
        get_page()


def test_every_screen_is_on_the_page():
    html = get_page().content.decode()
    screens = set(re.findall(r'data-screen="([a-z-]+)"', html))
    wanted = {"loading", "invalid", "not-open", "welcome", "questions", "submitted", "expired"}
    assert wanted | {"error"} == screens


def test_the_script_and_stylesheet_are_the_apps_own_static_files():
    html = get_page().content.decode()
    for name in ("interview.js", "interview.css"):
        assert f"/static/django_interview_panels/ui/{name}" in html
        assert finders.find(f"django_interview_panels/ui/{name}")
    # Nothing from another origin: no CDN.
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_english_by_default_and_french_for_a_french_browser():
    english = get_page().content.decode()
    assert '<html lang="en' in english and "Start the interview" in english
    response = get_page(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    french = response.content.decode()
    assert '<html lang="fr"' in french and response["Content-Language"] == "fr"
    assert "Commencer l\u2019entretien" in french and "Start the interview" not in french


@pytest.mark.django_db
def test_the_api_keeps_its_messages_whatever_the_browser_language():
    # The page picks its language itself; the API's messages are the contract's.
    response = Client().get(
        "/api/panel/interview/", HTTP_ACCEPT_LANGUAGE="fr", HTTP_X_INTERVIEW_TOKEN="no-such-token"
    )
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid or expired interview token."


def test_the_javascript_catalog_speaks_french():
    catalog = Client().get("/interview/jsi18n/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Votre r\\u00e9ponse" in catalog or "Votre réponse" in catalog
    assert "nplurals=2" in catalog or "(n > 1)" in catalog


def po_entries(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgid_plural or "") of every entry of a .po file but its header."""
    entries: list[tuple[str, str]] = []
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        strings: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                strings[key] = match.group(2)
            elif line.startswith('"') and key:
                strings[key] += line[1:-1]
        if strings.get("msgid"):
            unescape = lambda s: s.encode().decode("unicode_escape").encode("latin-1").decode()  # noqa: E731
            entries.append((unescape(strings["msgid"]), unescape(strings.get("msgid_plural", ""))))
    return entries


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_french_catalogs_translate_every_message(domain):
    """A .mo older than its .po (a message added, compilemessages not run) fails here."""
    with (LOCALE / f"{domain}.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    entries = po_entries(LOCALE / f"{domain}.po")
    assert len(entries) > 20
    translated = catalog._catalog  # {msgid: text, (msgid, form): text}
    for singular, plural in entries:
        if plural:
            assert translated.get((singular, 0)) and translated.get((singular, 1)), singular
        else:
            assert translated.get(singular), singular


def test_every_text_of_the_script_is_in_the_catalog():
    """A message added to the script but not extracted (makemessages, docs/ui.md) fails here."""
    script = SCRIPT.read_text(encoding="utf-8")
    called = set(re.findall(r'\bn?gettext\(\s*"((?:[^"\\]|\\.)*)"', script))
    extracted = {singular for singular, _plural in po_entries(LOCALE / "djangojs.po")}
    assert len(called) > 20
    assert called - extracted == set()


def test_a_host_restyles_the_page_with_its_own_base_template(tmp_path, settings):
    template = tmp_path / "django_interview_panels" / "ui" / "base.html"
    template.parent.mkdir(parents=True)
    template.write_text(
        '<html><head><link rel="stylesheet" href="/static/host/brand.css"></head>'
        "<body><p>Acme Careers</p>{% block body %}{% endblock %}"
        "{% block scripts %}{% endblock %}</body></html>"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    html = get_page().content.decode()
    assert "Acme Careers" in html and "/static/host/brand.css" in html
    # The app's screens and script are still there.
    assert 'data-screen="welcome"' in html and "interview.js" in html
