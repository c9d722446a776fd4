"""The candidate page in a real browser: Debian's Chromium, driven by Playwright, against a live
server on 127.0.0.1 (pytest-django's ``live_server``). Run with ``tox run -e browser`` (CI does);
elsewhere they are skipped unless ``UI_BROWSER_TESTS=1``.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from django_interview_panels.interviews import services
from django_interview_panels.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    InterviewPanel,
    PanelCandidate,
)
from tests import factories

from .conftest import PAGE

pytestmark = pytest.mark.django_db(transaction=True)

# What the candidate answers per kind: right answers for the questions of kinds_panel.
TYPED = {"open": "Build it with for x in items.", "short_answer": "def", "numeric": "3"}
STORED = {"open": TYPED["open"], "short_answer": "def", "numeric": 3}
CHOSEN = {"single_choice": ["list"], "multiple_choice": ["list", "tuple"]}


def link(live_server: Any, token: str) -> str:
    return f"{live_server.url}{PAGE}#{token}"


def items_in_order(assignment: PanelCandidate) -> list[AttemptItem]:
    return list(
        AttemptItem.objects.filter(attempt__assignment=assignment)
        .select_related("question_version")
        .order_by("position")
    )


def start(page: Any) -> None:
    """Press Start and wait for the questions (the set is drawn then: the test reads it)."""
    page.get_by_role("button", name="Start the interview").click()
    page.get_by_role("heading", name="5 questions").wait_for()


def question(page: Any, number: int) -> Any:
    return page.get_by_role("group", name=re.compile(rf"^Question {number} of \d+"))


def answer_everything(page: Any, assignment: PanelCandidate) -> None:
    """Answer each question of the set by its kind."""
    for item in items_in_order(assignment):
        answer_one(page, item)


def answer_one(page: Any, item: AttemptItem) -> None:
    """Check the chosen labels of a choice question, or type the answer of another kind."""
    group = question(page, item.position)
    kind = item.question_version.kind
    if kind in CHOSEN:
        for label in CHOSEN[kind]:
            group.get_by_label(label, exact=True).check()
    else:
        group.get_by_label("Your answer").fill(TYPED[kind])


def summary(page: Any) -> Any:
    """The header's saving summary (visible, silent: docs/ui.md)."""
    return page.locator("[data-field=save-summary]")


def wait_until_saved(page: Any) -> None:
    summary(page).filter(has_text="All answers saved").wait_for()


def stored_answers(assignment: PanelCandidate) -> dict[str, Any]:
    """The saved answers by kind, choices as the labels chosen."""
    answers: dict[str, Any] = {}
    for item in items_in_order(assignment):
        kind = item.question_version.kind
        if kind in CHOSEN:
            shown = services_choices(item)
            answers[kind] = sorted(shown[index] for index in (item.answer or []))
        else:
            answers[kind] = item.answer
    return answers


def services_choices(item: AttemptItem) -> list[str]:
    """The item's choices in the order its candidate sees them."""
    choices = list(item.question_version.choices or ())
    return [choices[index] for index in item.choice_order] if item.choice_order else choices


def test_a_candidate_takes_the_interview_to_the_end(live_server, page, assignments):
    assignment = assignments[0]
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))

    page.goto(link(live_server, assignment.token))

    welcome = page.get_by_role("region", name=assignment.panel.name)
    facts = welcome.locator("dl").inner_text()
    assert re.search(r"Questions\s*5", facts) and re.search(r"Time allowed\s*30 minutes", facts)
    # The token left the address bar.
    assert "#" not in page.url and assignment.token not in page.url

    start(page)
    assert page.get_by_role("timer").inner_text().startswith(("30:00", "29:5"))
    answer_everything(page, assignment)
    wait_until_saved(page)
    assert stored_answers(assignment) == {
        **STORED,
        "single_choice": ["list"],
        "multiple_choice": ["list", "tuple"],
    }

    page.get_by_role("button", name="Submit my answers").click()
    dialog = page.get_by_role("dialog", name="Submit your answers?")
    assert "You have answered 5 of 5 questions." in dialog.inner_text()
    dialog.get_by_role("button", name="Submit", exact=True).click()
    page.get_by_role("heading", name="Your answers have been submitted").wait_for()

    attempt = Attempt.objects.get(assignment=assignment)
    assert attempt.state == AttemptState.SUBMITTED
    # Every answer is right (the open one names the expected keywords): full marks.
    assignment.refresh_from_db()
    assert assignment.score == sum(i.question_version.points for i in items_in_order(assignment))
    api = [request for request in requests if "/api/panel/interview/" in request.url]
    assert api and all(assignment.token not in request.url for request in requests)
    assert all(request.headers.get("x-interview-token") == assignment.token for request in api)


def test_a_reload_mid_way_finds_the_answers_kept(live_server, page, assignments):
    assignment = assignments[0]
    page.goto(link(live_server, assignment.token))
    start(page)
    answer_everything(page, assignment)
    wait_until_saved(page)

    # The token is no longer in the address bar: this tab's session storage keeps it.
    page.reload()
    page.get_by_role("heading", name="5 questions").wait_for()
    for item in items_in_order(assignment):
        group = question(page, item.position)
        kind = item.question_version.kind
        if kind in CHOSEN:
            for label in services_choices(item):
                assert group.get_by_label(label, exact=True).is_checked() == (label in CHOSEN[kind])
        else:
            assert group.get_by_label("Your answer").input_value() == TYPED[kind]


def test_the_countdown_follows_the_server_not_the_browser_clock(live_server, page, assignments):
    # The browser's clock is two hours ahead of the server's.
    page.add_init_script(
        """
        const RealDate = Date, skew = 2 * 3600 * 1000;
        class SkewedDate extends RealDate {
          constructor(...args) {
            if (args.length) { super(...args); } else { super(RealDate.now() + skew); }
          }
          static now() { return RealDate.now() + skew; }
        }
        window.Date = SkewedDate;
        """
    )
    page.goto(link(live_server, assignments[0].token))
    start(page)
    assert page.get_by_role("timer").inner_text().startswith(("30:00", "29:5"))


def test_when_time_runs_out_the_saved_answers_are_submitted(live_server, page, assignments):
    assignment = assignments[0]
    attempt, _created = services.start_or_resume_attempt(assignment=assignment)
    # Started 29 minutes 48 seconds ago: twelve seconds of the 30 minutes are left.
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=29, seconds=48)
    )
    page.goto(link(live_server, assignment.token))
    page.get_by_role("heading", name="5 questions").wait_for()
    alert = page.get_by_role("alert")
    assert "Less than 1 minute left" in alert.inner_text()
    first = items_in_order(assignment)[0]
    answer_one(page, first)
    wait_until_saved(page)

    page.get_by_role("heading", name="The time is up").wait_for(timeout=20_000)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.EXPIRED
    assert stored_answers(assignment)[first.question_version.kind] == expected(first)


def expected(item: AttemptItem) -> Any:
    kind = item.question_version.kind
    return sorted(CHOSEN[kind]) if kind in CHOSEN else STORED[kind]


def test_a_failed_save_is_retried_when_the_network_returns(live_server, page, context, assignments):
    assignment = assignments[0]
    page.goto(link(live_server, assignment.token))
    start(page)
    item = next(i for i in items_in_order(assignment) if i.question_version.kind == "open")

    context.set_offline(True)
    question(page, item.position).get_by_label("Your answer").fill(TYPED["open"])
    status = question(page, item.position).locator("[data-field=status]")
    status.filter(has_text="the connection failed").wait_for()
    assert summary(page).inner_text() == "1 answer is not saved"
    # Screen readers hear that once, not every "Saving…".
    assert "not saved" in page.locator("[data-field=announcer]").inner_text()
    assert AttemptItem.objects.get(pk=item.pk).answer is None

    context.set_offline(False)
    status.filter(has_text=re.compile("^Saved$")).wait_for(timeout=20_000)
    assert AttemptItem.objects.get(pk=item.pk).answer == TYPED["open"]


@pytest.mark.parametrize("case", ["invalid", "missing", "expired", "rotated"])
def test_a_link_that_does_not_work_says_so(live_server, page, assignments, case):
    assignment = assignments[0]
    token = {"invalid": "not-a-token", "missing": "", "expired": assignment.token}.get(case)
    if case == "expired":
        PanelCandidate.objects.filter(pk=assignment.pk).update(
            token_expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
    if case == "rotated":
        token = assignment.token
        PanelCandidate.objects.filter(pk=assignment.pk).update(token="a-newer-token")
    page.goto(link(live_server, token))
    page.get_by_role("heading", name="This link does not work").wait_for()
    assert page.get_by_role("button", name="Start the interview").is_hidden()


def test_a_used_link_shows_the_submitted_screen(live_server, page, assignments):
    assignment = assignments[0]
    services.start_or_resume_attempt(assignment=assignment)
    services.submit_attempt(assignment=assignment)
    page.goto(link(live_server, assignment.token))
    page.get_by_role("heading", name="Your answers have been submitted").wait_for()


def test_a_panel_that_has_not_started_says_when_it_opens(live_server, page, tenant):
    start = timezone.now() + dt.timedelta(days=2)
    panel = factories.make_panel(
        tenant.organization,
        tenant.category,
        tenant.candidates,
        start_datetime=factories.iso(start),
        end_datetime=factories.iso(start + dt.timedelta(hours=3)),
    )
    assignment = PanelCandidate.objects.filter(panel=panel).first()
    page.goto(link(live_server, assignment.token))
    page.get_by_role("heading", name="The interview has not opened yet").wait_for()
    opens = page.locator("[data-field=opens-at]").inner_text()
    assert str(start.year) in opens and opens.strip()
    assert page.get_by_role("button", name="Start the interview").is_hidden()


def test_the_whole_interview_by_keyboard_only(live_server, page, assignments):
    assignment = assignments[0]
    page.goto(link(live_server, assignment.token))
    page.get_by_role("heading", name=assignment.panel.name).wait_for()
    # The skip link moves to the interview and leaves the token alone.
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Skip to the interview"
    page.keyboard.press("Enter")
    assert page.url.endswith("#ip-main")
    assert page.evaluate("sessionStorage.getItem('interview_panels.token')") == assignment.token
    assert page.get_by_role("heading", name=assignment.panel.name).is_visible()
    press_tab_until(page, lambda focused: focused["text"] == "Start the interview")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="5 questions").wait_for()

    for item in items_in_order(assignment):
        kind = item.question_version.kind
        item_id = f"ip-item-{item.uuid}"
        focused = press_tab_until(page, lambda f, item_id=item_id: f["item"] == item_id)
        if kind in TYPED:
            page.keyboard.type(TYPED[kind])
            continue
        choices = services_choices(item)
        for _ in range(len(choices) if kind == "multiple_choice" else 1):
            if focused["label"] in CHOSEN[kind]:
                page.keyboard.press("Space")
            elif kind == "single_choice":
                # Arrows move within a radio group and select what they reach.
                page.keyboard.press("ArrowDown")
            if kind == "multiple_choice" and focused["label"] != choices[-1]:
                page.keyboard.press("Tab")
                focused = active(page)
    wait_until_saved(page)
    assert stored_answers(assignment) == {
        **STORED,
        "single_choice": ["list"],
        "multiple_choice": ["list", "tuple"],
    }

    press_tab_until(page, lambda focused: focused["text"] == "Submit my answers")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Submit your answers?")
    dialog.wait_for()
    # Escape closes it and gives the focus back; Enter opens it again.
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert active(page)["text"] == "Submit my answers"
    page.keyboard.press("Enter")
    dialog.wait_for()
    # The dialog opens on its safe choice; Tab reaches the other.
    assert active(page)["text"] == "Keep working"
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Submit"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your answers have been submitted").wait_for()
    assert Attempt.objects.get(assignment=assignment).state == AttemptState.SUBMITTED


def active(page: Any) -> dict[str, str]:
    """What has the keyboard focus: its text, its label and the question it belongs to."""
    return page.evaluate(
        """() => {
          const e = document.activeElement;
          const label = e.labels && e.labels.length ? e.labels[0].textContent : "";
          const item = e.closest("li.ip-item");
          return {text: (e.innerText || "").trim(), label, item: item ? item.id : ""};
        }"""
    )


def press_tab_until(page: Any, wanted: Any, limit: int = 40) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = active(page)
        if wanted(focused):
            return focused
    raise AssertionError("Tab never reached the element")


def test_readable_at_320_pixels(live_server, browser, assignments, tmp_path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(link(live_server, assignments[0].token))
        page.get_by_role("button", name="Start the interview").wait_for()
        check_fits(page, tmp_path / "welcome-320.png")
        start(page)
        check_fits(page, tmp_path / "questions-320.png")
        page.get_by_role("button", name="Submit my answers").click()
        dialog = page.get_by_role("dialog", name="Submit your answers?")
        box = dialog.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
        check_fits(page, tmp_path / "confirm-320.png")
    finally:
        context.close()


def check_fits(page: Any, path: Path) -> None:
    """Nothing wider than the viewport (no sideways scrolling), text at 16 px or more, and a
    screenshot of the whole page exactly 320 pixels wide."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    page.screenshot(path=str(path), full_page=True)
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    assert width == 320 and height >= 640


def test_the_page_speaks_french_to_a_french_browser(live_server, browser, assignments):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(link(live_server, assignments[0].token))
        page.get_by_role("button", name="Commencer l\u2019entretien").click()
        page.get_by_role("heading", name="5 questions").wait_for()
        # From the JavaScript catalog: numbers, plurals and labels.
        assert page.get_by_role("group", name=re.compile("^Question 1 sur 5")).count() == 1
        assert page.get_by_label("Votre réponse").count() >= 1
        assert page.evaluate("document.documentElement.lang") == "fr"
    finally:
        context.close()


def test_markup_in_names_texts_and_choices_is_shown_as_text(live_server, page, assignments):
    assignment = assignments[0]
    markup = '<img src=x onerror="window.injected=1">'
    InterviewPanel.objects.filter(pk=assignment.panel_id).update(name=f"Panel {markup}")
    services.start_or_resume_attempt(assignment=assignment)
    items = items_in_order(assignment)
    for item in items:
        version = item.question_version
        version.text = f"Question {markup}"
        version.choices = [f"{choice} {markup}" for choice in version.choices or ()]
        version.save(update_fields=["text", "choices"])
    page.goto(link(live_server, assignment.token))
    page.get_by_role("heading", name="5 questions").wait_for()
    assert page.locator("img").count() == 0
    assert page.evaluate("window.injected") is None
    assert markup in page.locator("[data-field=panel-name]").inner_text()
    assert page.get_by_text(f"Question {markup}").count() == len(items)


def test_a_number_is_saved_only_once_it_is_unambiguous(live_server, page, assignments):
    assignment = assignments[0]
    page.goto(link(live_server, assignment.token))
    start(page)
    item = next(i for i in items_in_order(assignment) if i.question_version.kind == "numeric")
    field = question(page, item.position).get_by_label("Your answer")
    status = question(page, item.position).locator("[data-field=status]")

    # "1,000": a thousand, or one with a decimal comma? Not saved as either.
    field.fill("1,000")
    status.filter(has_text="This is not a number yet").wait_for()
    assert field.get_attribute("aria-invalid") == "true"
    # Enter in a one-line answer does not submit the interview.
    field.press("Enter")
    assert page.get_by_role("dialog").count() == 0
    page.wait_for_timeout(1000)
    assert AttemptItem.objects.get(pk=item.pk).answer is None

    # A decimal comma is a decimal point.
    field.fill("2,5")
    status.filter(has_text=re.compile("^Saved$")).wait_for()
    assert AttemptItem.objects.get(pk=item.pk).answer == 2.5
