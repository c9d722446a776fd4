"""One command later, a person takes the demo interview: the link ``seed_demo`` prints, opened in
Chromium against the example project's runserver; then HR finds the result in the API and in the
admin. Browser tests: ``tox run -e browser`` (skipped elsewhere)."""

from __future__ import annotations

import json
from typing import Any

from tests import test_example_project as example_project
from tests.test_example_project import SeededProject, fetch, manage

# The example project's fixtures: a seeded database and runserver on it.
seeded = example_project.seeded
live_url = example_project.live_url

PRINTED_BASE_URL = "http://127.0.0.1:8000"


def test_the_printed_link_takes_the_demo_interview_and_hr_sees_the_result(
    seeded: SeededProject, live_url: str, browser: Any
) -> None:
    demo = seeded.summary["demo_interview"]
    ada = demo["candidates"][0]
    # seed_demo prints links for the default runserver address; this one listens elsewhere.
    assert ada["page_url"].startswith(f"{PRINTED_BASE_URL}/interview/#")
    assert ada["page_url"] in manage(seeded.env, "seed_demo").stdout

    context = browser.new_context(locale="en-US")
    page = context.new_page()
    try:
        page.goto(ada["page_url"].replace(PRINTED_BASE_URL, live_url))
        page.get_by_role("heading", name=demo["name"]).wait_for()
        page.get_by_role("button", name="Start the interview").click()
        first = page.get_by_role("group").first
        first.wait_for()
        answer_first_question(first)
        page.locator("[data-field=save-summary]").filter(has_text="All answers saved").wait_for()
        page.get_by_role("button", name="Submit my answers").click()
        page.get_by_role("dialog").get_by_role("button", name="Submit", exact=True).click()
        page.get_by_role("heading", name="Your answers have been submitted").wait_for()

        # HR, in the API: the panel's results name Ada's attempt as submitted.
        organization = seeded.summary["organizations"][0]
        hr_token = organization["users"]["hr"]["token"]
        status, body = fetch(
            f"{live_url}/api/panel/results/{demo['panel_uuid']}/",
            {"Authorization": f"Bearer {hr_token}"},
        )
        assert status == 200, body
        rows = {row["candidate_uuid"]: row for row in json.loads(body)["data"]["candidates"]}
        assert rows[ada["uuid"]]["state"] == "submitted"

        # And in the admin, as the superuser the printed instructions tell to make.
        env = {**seeded.env, "DJANGO_SUPERUSER_PASSWORD": "admin-password-1"}
        manage(env, "createsuperuser", "--noinput", "--username", "boss", "--email", "b@x.test")
        page.goto(f"{live_url}/admin/login/?next=/admin/interview_panels/attempt/")
        page.get_by_label("Username").fill("boss")
        page.get_by_label("Password").fill("admin-password-1")
        page.get_by_role("button", name="Log in").click()
        row = page.get_by_role("row").filter(has_text=ada["name"])
        row.wait_for()
        assert "Submitted" in row.inner_text()
    finally:
        context.close()


def answer_first_question(group: Any) -> None:
    """Whatever the demo's first question is: a choice, or some text."""
    choices = group.get_by_role("radio").or_(group.get_by_role("checkbox"))
    if choices.count():
        choices.first.check()
    else:
        group.get_by_label("Your answer").fill("42")
