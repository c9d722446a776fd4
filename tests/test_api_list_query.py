"""GET /api/panel/get/ query parameters: pagination, filters and ordering."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from django_interview_panels.models import InterviewPanel
from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = "/api/panel/get/"
T0 = dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC)


def page_size_settings(settings: Any, default: int, maximum: int) -> None:
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "DEFAULT_PAGE_SIZE": default,
        "MAX_PAGE_SIZE": maximum,
    }


def make_panels(tenant: Any, count: int, **overrides: Any) -> list[InterviewPanel]:
    """``count`` panels created one day apart, starting ten days after, oldest first."""
    category = overrides.pop("category", tenant.category)
    panels = []
    for n in range(count):
        with time_machine.travel(T0 + dt.timedelta(days=n), tick=False):
            panels.append(
                factories.make_panel(
                    tenant.organization,
                    category,
                    name=f"Panel {n}",
                    start_datetime=factories.iso(T0 + dt.timedelta(days=10 + n)),
                    end_datetime=factories.iso(T0 + dt.timedelta(days=10 + n, hours=8)),
                    **overrides,
                )
            )
    return panels


def get(client: Any, query: str = "") -> Any:
    with time_machine.travel(T0 + dt.timedelta(days=5), tick=False):
        return client.get(f"{LIST_URL}?{query}" if query else LIST_URL)


def uuids(response: Any) -> list[str]:
    assert response.status_code == 200, response.json()
    return [panel["uuid"] for panel in response.json()["data"]["interview_panels"]]


def newest_first(panels: list[InterviewPanel]) -> list[str]:
    return [str(panel.uuid) for panel in reversed(panels)]


def assert_400(response: Any, *parameters: str) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["success"] is False
    assert body["message"] == "Invalid request data"
    assert set(body["errors"]) == set(parameters)
    return body["errors"]


# --- Pagination -------------------------------------------------------------------------------


def test_the_first_page_holds_default_page_size_panels_and_says_where_it_is(
    tenant, hr_client, settings
):
    page_size_settings(settings, default=2, maximum=10)
    panels = make_panels(tenant, 3)

    response = get(hr_client)

    assert uuids(response) == newest_first(panels)[:2]
    assert response.json()["data"]["pagination"] == {
        "count": 3,
        "page": 1,
        "page_size": 2,
        "total_pages": 2,
        "next": "http://testserver/api/panel/get/?page=2&page_size=2",
        "previous": None,
    }


def test_the_last_page_holds_the_rest_and_links_back(tenant, hr_client, settings):
    page_size_settings(settings, default=2, maximum=10)
    panels = make_panels(tenant, 3)

    response = get(hr_client, "page=2")

    assert uuids(response) == newest_first(panels)[2:]
    pagination = response.json()["data"]["pagination"]
    assert pagination["next"] is None
    assert pagination["previous"] == "http://testserver/api/panel/get/?page=1&page_size=2"


def test_links_keep_the_filters(tenant, hr_client):
    make_panels(tenant, 3)

    pagination = get(hr_client, "search=panel&page_size=1&page=2").json()["data"]["pagination"]

    for link in (pagination["next"], pagination["previous"]):
        assert parse_qs(urlsplit(link).query)["search"] == ["panel"]


def test_page_size_chooses_the_page_length(tenant, hr_client):
    panels = make_panels(tenant, 3)

    assert uuids(get(hr_client, "page_size=1&page=3")) == newest_first(panels)[2:]


def test_a_page_size_above_the_maximum_is_lowered_to_it(tenant, hr_client, settings):
    page_size_settings(settings, default=1, maximum=2)
    make_panels(tenant, 3)

    response = get(hr_client, "page_size=500")

    assert len(uuids(response)) == 2
    assert response.json()["data"]["pagination"]["page_size"] == 2


def test_pages_neither_overlap_nor_skip_panels_created_in_the_same_instant(tenant, hr_client):
    with time_machine.travel(T0, tick=False):
        created = [factories.make_panel(tenant.organization, tenant.category) for _ in range(5)]

    seen = []
    for page in (1, 2, 3):
        seen += uuids(get(hr_client, f"page_size=2&page={page}"))

    assert seen == newest_first(created)


def test_an_organization_without_panels_has_one_empty_first_page(tenant, hr_client):
    response = get(hr_client)

    assert uuids(response) == []
    assert response.json()["data"]["pagination"]["count"] == 0
    assert response.json()["data"]["pagination"]["total_pages"] == 1


def test_a_page_past_the_last_is_an_empty_page_linking_back_to_the_last(tenant, hr_client):
    make_panels(tenant, 3)

    response = get(hr_client, "page_size=2&page=3&search=Panel")

    assert uuids(response) == []
    assert response.json()["data"]["pagination"] == {
        "count": 3,
        "page": 3,
        "page_size": 2,
        "total_pages": 2,
        "next": None,
        "previous": "http://testserver/api/panel/get/?page=2&page_size=2&search=Panel",
    }


def test_a_huge_page_number_is_an_empty_page_past_the_last(tenant, hr_client):
    make_panels(tenant, 1)

    response = get(hr_client, "page=" + "9" * 5000)

    assert uuids(response) == []
    pagination = response.json()["data"]["pagination"]
    assert pagination["page"] == 10**18
    assert pagination["total_pages"] == 1
    assert pagination["next"] is None
    assert pagination["previous"] == "http://testserver/api/panel/get/?page=1&page_size=50"


def test_a_page_past_the_last_of_no_panels_links_back_to_the_empty_first_page(tenant, hr_client):
    pagination = get(hr_client, "page=2").json()["data"]["pagination"]

    assert (pagination["count"], pagination["total_pages"], pagination["next"]) == (0, 1, None)
    assert pagination["previous"] == "http://testserver/api/panel/get/?page=1&page_size=50"


# --- The candidate budget of a page (MAX_CANDIDATES_PER_PAGE) -----------------------------------


def candidate_budget(settings: Any, budget: int | None) -> None:
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "MAX_CANDIDATES_PER_PAGE": budget,
    }


def assigned(response: Any) -> int:
    return sum(len(panel["candidates"]) for panel in response.json()["data"]["interview_panels"])


def walk(client: Any, query: str) -> list[Any]:
    """Every page from the first, following ``next`` links."""
    pages = [get(client, query)]
    while (link := pages[-1].json()["data"]["pagination"]["next"]) is not None:
        pages.append(get(client, urlsplit(link).query))
    return pages


def test_the_budget_lowers_the_page_size_so_every_page_fits_and_next_walks_all(
    tenant, hr_client, settings
):
    # Candidates per panel, oldest first: the largest (3) decides the size of every page.
    panels = [make_panels(tenant, 1, candidates=tenant.candidates[:n])[0] for n in (1, 3, 0, 2, 1)]
    candidate_budget(settings, 6)

    pages = walk(hr_client, "page_size=50")

    assert [response.json()["data"]["pagination"]["page_size"] for response in pages] == [2] * 3
    assert [response.json()["data"]["pagination"]["total_pages"] for response in pages] == [3] * 3
    assert all(assigned(response) <= 6 for response in pages)
    assert [uuid for response in pages for uuid in uuids(response)] == newest_first(panels)
    # The reduced size is in the links, so page N is always panels 2(N-1) and 2N-1.
    assert uuids(get(hr_client, "page=2&page_size=2")) == uuids(pages[1])


def test_the_budget_is_decided_by_the_matching_panels_not_by_the_page(tenant, hr_client, settings):
    make_panels(tenant, 1, candidates=tenant.candidates)  # "Panel 0", 3 candidates
    make_panels(tenant, 2, candidates=tenant.candidates[:1])  # "Panel 0" and "Panel 1"
    candidate_budget(settings, 3)

    unfiltered = get(hr_client, "page_size=10").json()["data"]["pagination"]
    small_only = get(hr_client, "page_size=10&search=Panel%201").json()["data"]["pagination"]

    # The 3-candidate panel alone fills the budget: every page of this list holds one panel.
    assert (unfiltered["page_size"], unfiltered["total_pages"]) == (1, 3)
    assert (small_only["page_size"], small_only["total_pages"]) == (3, 1)


def test_no_budget_keeps_the_requested_page_size(tenant, hr_client, settings):
    make_panels(tenant, 3, candidates=tenant.candidates)
    candidate_budget(settings, None)

    response = get(hr_client, "page_size=3")

    assert response.json()["data"]["pagination"]["page_size"] == 3
    assert assigned(response) == 9


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", " 2", "+2", "\uff12", "0x10"])
@pytest.mark.parametrize("parameter", ["page", "page_size"])
def test_a_page_or_page_size_that_is_not_a_positive_integer_is_a_400(
    tenant, hr_client, parameter, value
):
    errors = assert_400(get(hr_client, f"{parameter}={value}"), parameter)

    assert errors[parameter] == [f"A valid {parameter} is a positive integer."]


# --- Filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "active"), [("true", True), ("false", False)])
def test_is_active_filter_agrees_with_the_is_active_field(tenant, hr_client, value, active):
    panels = make_panels(tenant, 3)
    # At the moment of the request (T0 + 5 days) only a panel ending earlier has ended.
    InterviewPanel.objects.filter(pk=panels[0].pk).update(
        start_datetime=T0, end_datetime=T0 + dt.timedelta(days=1)
    )

    response = get(hr_client, f"is_active={value}")

    listed = response.json()["data"]["interview_panels"]
    assert [panel["is_active"] for panel in listed] == [active] * len(listed)
    expected = newest_first(panels[1:]) if active else [str(panels[0].uuid)]
    assert uuids(response) == expected
    assert response.json()["data"]["pagination"]["count"] == len(expected)


def test_is_active_filter_uses_end_datetime_exclusively(tenant, hr_client):
    [panel] = make_panels(tenant, 1)
    end = T0 + dt.timedelta(days=10, hours=8)

    with time_machine.travel(end, tick=False):
        ended = hr_client.get(f"{LIST_URL}?is_active=false")
    with time_machine.travel(end - dt.timedelta(microseconds=1), tick=False):
        running = hr_client.get(f"{LIST_URL}?is_active=true")

    assert uuids(ended) == uuids(running) == [str(panel.uuid)]


@pytest.mark.parametrize("value", ["yes", "1", "True", "on"])
def test_is_active_accepts_only_true_or_false(tenant, hr_client, value):
    assert assert_400(get(hr_client, f"is_active={value}"), "is_active") == {
        "is_active": ["Enter true or false."]
    }


def test_category_filter_keeps_the_panels_of_that_category(tenant, hr_client):
    other_category = factories.make_bank(tenant.organization)
    kept = make_panels(tenant, 2, category=other_category)
    make_panels(tenant, 1)

    assert uuids(get(hr_client, f"category={other_category.uuid}")) == newest_first(kept)


def test_an_unknown_category_lists_nothing(tenant, hr_client):
    make_panels(tenant, 1)

    assert uuids(get(hr_client, f"category={uuid.uuid4()}")) == []


def test_search_matches_part_of_the_name_ignoring_case(tenant, hr_client):
    panels = make_panels(tenant, 3)
    InterviewPanel.objects.filter(pk=panels[1].pk).update(name="Senior PYTHON developer")

    assert uuids(get(hr_client, "search=python%20Dev")) == [str(panels[1].uuid)]


def test_an_empty_search_lists_everything(tenant, hr_client):
    panels = make_panels(tenant, 2)

    assert uuids(get(hr_client, "search=")) == newest_first(panels)


def test_start_after_is_inclusive_and_start_before_exclusive(tenant, hr_client):
    panels = make_panels(tenant, 3)
    second_start = factories.iso(T0 + dt.timedelta(days=11))

    assert uuids(get(hr_client, f"start_after={second_start}")) == newest_first(panels[1:])
    assert uuids(get(hr_client, f"start_before={second_start}")) == [str(panels[0].uuid)]


def test_start_filters_read_the_offset(tenant, hr_client):
    panels = make_panels(tenant, 2)
    # 10:00+01:00 on day 11 is 09:00Z: the second panel's start.
    offset_start = (T0 + dt.timedelta(days=11, hours=1)).strftime("%Y-%m-%dT%H:%M:%S") + "%2B01:00"

    assert uuids(get(hr_client, f"start_after={offset_start}")) == [str(panels[1].uuid)]


def test_an_instant_just_outside_pythons_range_still_filters(tenant, hr_client):
    panels = make_panels(tenant, 2)
    before_year_one = "0001-01-01T00:00:00%2B01:00"

    assert uuids(get(hr_client, f"start_after={before_year_one}")) == newest_first(panels)
    assert uuids(get(hr_client, f"start_before={before_year_one}")) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2030-01-01T09:00:00", "Datetime has no time zone offset."),
        ("yesterday", "Datetime has wrong format."),
        ("2030-02-30T09:00:00Z", "Datetime has wrong format."),
        ("2030-01-01T09:00:00%2005:30", "Datetime has wrong format."),
    ],
)
@pytest.mark.parametrize("parameter", ["start_after", "start_before"])
def test_a_start_filter_needs_an_iso_datetime_with_an_offset(
    tenant, hr_client, parameter, value, message
):
    errors = assert_400(get(hr_client, f"{parameter}={value}"), parameter)

    assert errors[parameter][0].startswith(message)


def test_candidate_filter_keeps_the_panels_the_candidate_is_assigned_to(tenant, hr_client):
    first, second = tenant.candidates[:2]
    with_first = factories.make_panel(tenant.organization, tenant.category, [first])
    factories.make_panel(tenant.organization, tenant.category, [second])
    both = factories.make_panel(tenant.organization, tenant.category, [first, second])

    listed = uuids(hr_client.get(f"{LIST_URL}?candidate={factories.candidate_uuid(first)}"))

    assert listed == [str(both.uuid), str(with_first.uuid)]


def test_filters_never_reach_another_organizations_panels(tenant, other_tenant, hr_client):
    stranger = other_tenant.candidates[0]
    factories.make_panel(other_tenant.organization, other_tenant.category, [stranger])

    query = f"candidate={factories.candidate_uuid(stranger)}&category={other_tenant.category.uuid}"
    assert uuids(hr_client.get(f"{LIST_URL}?{query}")) == []


@pytest.mark.parametrize("parameter", ["category", "candidate"])
@pytest.mark.parametrize(
    "value", ["not-a-uuid", "123", "0" * 32, "{12345678-1234-5678-1234-567812345678}"]
)
def test_a_uuid_filter_needs_a_canonical_uuid(tenant, hr_client, parameter, value):
    assert assert_400(get(hr_client, f"{parameter}={value}"), parameter) == {
        parameter: ["Enter a valid UUID."]
    }


@pytest.mark.parametrize(
    "parameter", ["is_active", "category", "start_after", "start_before", "candidate", "ordering"]
)
def test_a_filter_sent_without_a_value_is_a_400(tenant, hr_client, parameter):
    assert_400(get(hr_client, f"{parameter}="), parameter)


def test_a_search_with_a_nul_character_is_a_400(tenant, hr_client):
    assert_400(get(hr_client, "search=a%00b"), "search")


def test_every_bad_parameter_is_reported_at_once(tenant, hr_client):
    response = get(hr_client, "category=nope&ordering=size&page=0&page_size=x")

    assert_400(response, "category", "ordering", "page", "page_size")


def test_unknown_parameters_are_ignored(tenant, hr_client):
    panels = make_panels(tenant, 2)

    assert uuids(get(hr_client, "_=1700000000&format=json")) == newest_first(panels)


# --- Ordering ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("created_at", lambda p: (p.created_at, p.pk)),
        ("start_datetime", lambda p: (p.start_datetime, p.pk)),
        ("name", lambda p: (p.name, p.pk)),
    ],
)
@pytest.mark.parametrize("descending", [False, True])
def test_ordering_sorts_by_its_key_then_by_creation(tenant, hr_client, ordering, key, descending):
    panels = make_panels(tenant, 3)
    # Two panels tie on every key; the tie goes to creation order, in the same direction.
    twin = panels[1]
    InterviewPanel.objects.filter(pk=panels[2].pk).update(
        created_at=twin.created_at, start_datetime=twin.start_datetime, name=twin.name
    )
    panels = list(InterviewPanel.objects.filter(pk__in=[p.pk for p in panels]))
    expected = [str(p.uuid) for p in sorted(panels, key=key, reverse=descending)]

    prefix = "-" if descending else ""
    assert uuids(get(hr_client, f"ordering={prefix}{ordering}")) == expected


@pytest.mark.parametrize("value", ["size", "uuid", "-", "name,created_at", "+name"])
def test_an_unknown_ordering_is_a_400(tenant, hr_client, value):
    errors = assert_400(get(hr_client, f"ordering={value}"), "ordering")

    assert "is not one of the available choices" in errors["ordering"][0]
