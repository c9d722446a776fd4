"""Exports of a panel's results: CSV, XLSX and JSON, streamed, one row per candidate with fixed
columns; errors in the envelope before the file starts; reviewers and managers only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_interview_panels.models import InterviewPanel, PanelCandidate
from django_interview_panels.results.exports import COLUMNS
from django_interview_panels.results.schema import ExportRowSerializer
from tests import factories
from tests.conftest import client_for

from .taking import RESULTS, assignments_of, reviewer_client, take
from .test_results import small_panel

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx", "json"]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
PANEL_NOT_FOUND = {"interview_panel_uuid": ["Interview panel not found"]}


def _url(panel, fmt, query=""):
    return f"{RESULTS}{panel.uuid}/export/{fmt}/{query}"


def _body(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def _xlsx_rows(body: bytes) -> list[list[str]]:
    """The worksheet's cells as text, row by row (inline or shared strings, numbers)."""
    archive = zipfile.ZipFile(io.BytesIO(body))
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    shared = []
    if "xl/sharedStrings.xml" in archive.namelist():
        shared = re.findall(r"<t[^>]*>(.*?)</t>", archive.read("xl/sharedStrings.xml").decode())
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", sheet):
        cells: dict[int, str] = {}
        for attributes, inner in re.findall(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", row):
            # The cell's column from its reference (A..Z: the export has 14 columns).
            column = ord(re.search(r'r="([A-Z])[0-9]+"', attributes).group(1)) - ord("A")
            if 't="s"' in attributes:
                cells[column] = shared[int(re.search(r"<v>(.*?)</v>", inner).group(1))]
            elif 't="inlineStr"' in attributes:
                cells[column] = re.search(r"<t[^>]*>(.*?)</t>", inner).group(1)
            else:
                cells[column] = re.search(r"<v>(.*?)</v>", inner).group(1)
        rows.append([cells.get(column, "") for column in range(len(COLUMNS))])
    return rows


def _parsed(fmt: str, body: bytes) -> list[dict]:
    """The rows of any format as dicts of text (None/"" for empty), to compare across formats."""
    if fmt == "json":
        return json.loads(body)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode())))
    header, *rows = _xlsx_rows(body)
    return [dict(zip(header, row, strict=False)) for row in rows]


@pytest.fixture
def taken(panel, django_capture_on_commit_callbacks):
    take(assignments_of(panel)[0], django_capture_on_commit_callbacks)
    return panel


# --- The files --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_an_attachment_with_a_row_per_candidate(taken, hr_client, fmt):
    response = hr_client.get(_url(taken, fmt))

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"] == (
        f'attachment; filename="interview-panel-{taken.uuid}-results.{fmt}"'
    )
    assert "no-store" in response["Cache-Control"]
    rows = _parsed(fmt, _body(response))
    assert [list(row) for row in rows] == [list(COLUMNS)] * 3
    expected = hr_client.get(f"{RESULTS}{taken.uuid}/").json()["data"]["candidates"]
    assert [row["candidate_uuid"] for row in rows] == [r["candidate_uuid"] for r in expected]
    assert [row["state"] for row in rows] == ["submitted", "not_started", "not_started"]
    assert str(rows[0]["score"]) == str(expected[0]["score"])


def test_the_json_export_is_the_rows_as_the_results_show_them(taken, hr_client):
    rows = json.loads(_body(hr_client.get(_url(taken, "json"))))
    expected = hr_client.get(f"{RESULTS}{taken.uuid}/").json()["data"]["candidates"]
    assert rows == [{column: row[column] for column in COLUMNS} for row in expected]


def test_the_csv_and_xlsx_cells_match_the_json(taken, hr_client):
    rows = json.loads(_body(hr_client.get(_url(taken, "json"))))
    as_text = [
        {key: "" if value is None else str(value) for key, value in row.items()} for row in rows
    ]
    assert _parsed("csv", _body(hr_client.get(_url(taken, "csv")))) == as_text
    xlsx = _parsed("xlsx", _body(hr_client.get(_url(taken, "xlsx"))))
    # XLSX leaves empty cells out and writes whole numbers as numbers.
    for sheet_row, row in zip(xlsx, as_text, strict=True):
        for key, value in row.items():
            if value:
                assert (
                    float(sheet_row[key]) == float(value)
                    if key in NUMBERS
                    else (sheet_row[key] == value)
                ), key


NUMBERS = {
    "score",
    "points_earned",
    "points_possible",
    "items",
    "items_pending",
    "items_needing_review",
    "time_spent_seconds",
}


def _rename(assignment, name):
    candidate = assignment.candidate
    if factories.SWAPPED:
        candidate.first_name, candidate.last_name = name, "x"
        candidate.email_address = "@evil@example.com"
    else:
        candidate.name = name + " x"
        candidate.email = "@evil@example.com"
    candidate.save()


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_a_csv_cell_that_would_be_a_formula_gets_an_apostrophe(panel, hr_client, start):
    first = assignments_of(panel)[0]
    _rename(first, f'{start}HYPERLINK("http://x")')

    row = _parsed("csv", _body(hr_client.get(_url(panel, "csv"))))[0]
    assert row["candidate_name"] == f'\'{start}HYPERLINK("http://x") x'
    assert row["candidate_email"] == "'@evil@example.com"
    # JSON is data, kept as it is; XLSX writes it as a string cell, never a formula.
    assert json.loads(_body(hr_client.get(_url(panel, "json"))))[0]["candidate_name"].startswith(
        start
    )
    sheet = _xlsx_rows(_body(hr_client.get(_url(panel, "xlsx"))))
    assert sheet[1][COLUMNS.index("candidate_name")].startswith(start)


@pytest.mark.parametrize("fmt", FORMATS)
def test_removed_and_erased_candidates_are_exported(panel, hr_client, fmt):
    first, second, _third = assignments_of(panel)
    PanelCandidate.objects.filter(pk=first.pk).update(removed_at=timezone.now())
    PanelCandidate.objects.filter(pk=second.pk).update(candidate=None, erased_at=timezone.now())

    rows = _parsed(fmt, _body(hr_client.get(_url(panel, fmt))))

    assert rows[0]["state"] == "removed" and rows[0]["removed_at"]
    assert not rows[1]["candidate_uuid"] and not rows[1]["candidate_name"]
    assert len(rows) == 3


def test_status_and_ordering_apply_to_the_export(taken, hr_client):
    rows = json.loads(_body(hr_client.get(_url(taken, "json", "?status=not_started"))))
    assert [row["state"] for row in rows] == ["not_started", "not_started"]
    rows = json.loads(_body(hr_client.get(_url(taken, "json", "?ordering=-submitted_at"))))
    assert rows[0]["state"] == "submitted"


def test_an_empty_panel_exports_a_header_or_an_empty_array(tenant, hr_client):
    panel = small_panel(tenant, [])
    assert json.loads(_body(hr_client.get(_url(panel, "json")))) == []
    assert _body(hr_client.get(_url(panel, "csv"))).decode() == ",".join(COLUMNS) + "\r\n"
    assert _xlsx_rows(_body(hr_client.get(_url(panel, "xlsx")))) == [list(COLUMNS)]


def test_the_documented_export_row_has_the_exported_columns_in_order():
    assert tuple(ExportRowSerializer().fields) == COLUMNS


# --- Errors, in the envelope, before the file -------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "CSV", "xml", "json.", "1"])
def test_an_unknown_format_is_a_404_in_the_envelope(panel, hr_client, fmt):
    response = hr_client.get(_url(panel, fmt))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "success": False,
        "message": "Export format not found: use csv, xlsx or json",
        "errors": {"export_format": ["Export format not found: use csv, xlsx or json"]},
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_parameter_is_a_400_in_the_envelope(panel, hr_client, fmt):
    response = hr_client.get(_url(panel, fmt, "?ordering=name&status=gone"))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"ordering", "status"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_another_organizations_deleted_or_missing_panel_is_the_panel_404(
    panel, other_tenant, hr_client, fmt
):
    response = client_for(other_tenant.hr).get(_url(panel, fmt))
    assert response.status_code == 404 and response.json()["errors"] == PANEL_NOT_FOUND
    missing = hr_client.get(f"{RESULTS}7d4f3a52-8c1e-4b6a-9f0d-2e5c8b1a6d3f/export/{fmt}/")
    assert missing.json()["errors"] == PANEL_NOT_FOUND
    InterviewPanel.objects.filter(pk=panel.pk).update(is_deleted=True)
    assert hr_client.get(_url(panel, fmt)).json()["errors"] == PANEL_NOT_FOUND


@pytest.mark.parametrize("fmt", FORMATS)
def test_who_may_export(panel, tenant, settings, anon_client, member_client, loner, fmt):
    assert anon_client.get(_url(panel, fmt)).status_code == 401
    refused = member_client.get(_url(panel, fmt))
    assert refused.status_code == 403
    assert refused.json()["errors"] == {"detail": ["User may not review answers"]}
    assert client_for(loner).get(_url(panel, fmt)).status_code == 403
    assert reviewer_client(tenant, settings).get(_url(panel, fmt)).status_code == 200
    for role in ("hr", "admin"):
        assert client_for(getattr(tenant, role)).get(_url(panel, fmt)).status_code == 200


def test_a_member_never_sees_tokens_or_answer_keys_in_an_export(taken, hr_client):
    """Managers neither: an export holds no token and no answer."""
    tokens = list(PanelCandidate.objects.filter(panel=taken).values_list("token", flat=True))
    for fmt in FORMATS:
        body = _body(hr_client.get(_url(taken, fmt)))
        for token in tokens:
            assert token.encode() not in body
        assert b"lists are mutable" not in body  # the answers given


# --- Queries ----------------------------------------------------------------------------------


def _export_queries(client, panel, fmt):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(panel, fmt))
        _body(response)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_takes_the_same_queries_for_3_or_30_candidates(
    tenant, hr_client, fmt, django_capture_on_commit_callbacks
):
    few = small_panel(tenant, factories.make_candidates(tenant.organization, 3), questions=40)
    many = small_panel(tenant, factories.make_candidates(tenant.organization, 30), questions=40)
    for panel in (few, many):
        for assignment in assignments_of(panel)[:3]:
            take(assignment, django_capture_on_commit_callbacks)
        PanelCandidate.objects.filter(pk=assignments_of(panel)[-1].pk).update(
            removed_at=timezone.now() - dt.timedelta(minutes=1)
        )
    assert _export_queries(hr_client, few, fmt) == _export_queries(hr_client, many, fmt)
