"""A panel's results as a file: CSV, XLSX or JSON, one row per candidate, streamed.

Every format reads the rows of ``reads.candidate_rows`` with ``.iterator(chunk_size=...)``: the
rows are read a chunk at a time (a server-side cursor on PostgreSQL), each in a fixed number of
queries, and written out as they come, so memory stays flat whatever the number of candidates
(benchmarks/results_export.py; docs/performance.md "Exports"). The columns are fixed
(``COLUMNS``; docs/reviews-and-results.md "Exports").
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse

from ..models import InterviewPanel
from .reads import describe_row

FORMATS = ("csv", "xlsx", "json")
# Rows read from the database per round trip, and written out per chunk of the response.
CHUNK_SIZE = 100
COLUMNS = (
    "candidate_uuid",
    "candidate_name",
    "candidate_email",
    "state",
    "score",
    "points_earned",
    "points_possible",
    "items",
    "items_pending",
    "items_needing_review",
    "time_spent_seconds",
    "started_at",
    "submitted_at",
    "removed_at",
)
# Text columns: what the host's resolvers or the candidate typed may start a formula.
TEXT_COLUMNS = frozenset({"candidate_name", "candidate_email"})
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# What a spreadsheet program reads as the start of a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def filename(panel: InterviewPanel, fmt: str) -> str:
    """ASCII only, whatever the panel's name: ``interview-panel-<uuid>-results.<fmt>``."""
    return f"interview-panel-{panel.uuid}-results.{fmt}"


def rows_of(rows: QuerySet, panel: InterviewPanel) -> Iterator[dict[str, Any]]:
    """The rows as the panel's results show them, read a chunk at a time."""
    for assignment in rows.iterator(chunk_size=CHUNK_SIZE):
        row = describe_row(assignment, panel)
        yield {column: row[column] for column in COLUMNS}


def _chunks(values: Iterable[str]) -> Iterator[str]:
    """Join the pieces of ``CHUNK_SIZE`` rows into one response chunk (one write each)."""
    chunk: list[str] = []
    for value in values:
        chunk.append(value)
        if len(chunk) >= CHUNK_SIZE:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


# --- CSV --------------------------------------------------------------------------------------


class _Echo:
    """A pseudo-buffer: ``csv.writer`` hands back each formatted line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def defuse(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, behind an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow(
            [
                defuse(value) if column in TEXT_COLUMNS else ("" if value is None else value)
                for column, value in row.items()
            ]
        )


# --- JSON -------------------------------------------------------------------------------------


def json_pieces(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array of the rows, written one row at a time."""
    yield "["
    separator = ""
    for row in rows:
        yield separator + orjson.dumps(row).decode()
        separator = ","
    yield "]"


# --- XLSX -------------------------------------------------------------------------------------


def write_xlsx(rows: Iterable[dict[str, Any]], target: Any) -> None:
    """The rows as one worksheet, written by XlsxWriter in its constant-memory mode (each row
    goes to a temporary file as soon as it is complete). Text cells are written as strings,
    never as formulas; numbers as numbers; times as ISO 8601 text, as in the JSON."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        target, {"constant_memory": True, "tmpdir": tempfile.gettempdir()}
    )
    try:
        sheet = workbook.add_worksheet("Results")
        bold = workbook.add_format({"bold": True})
        for column, name in enumerate(COLUMNS):
            sheet.write_string(0, column, name, bold)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row.values()):
                if value is None:
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(number, column, value)
                else:
                    sheet.write_string(number, column, str(value))
    finally:
        workbook.close()


# --- The response -----------------------------------------------------------------------------


def response(rows: QuerySet, panel: InterviewPanel, fmt: str) -> StreamingHttpResponse:
    """The export as an attachment. Everything that may fail as a request (the panel, the
    format, the parameters) is checked before this is called; once the body streams, the
    status is sent."""
    records = rows_of(rows, panel)
    if fmt == "xlsx":
        # The workbook is a zip archive: built into a temporary file (deleted once closed),
        # then streamed from it.
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        try:
            write_xlsx(records, handle)
            handle.seek(0)
        except BaseException:
            handle.close()
            raise
        answer: StreamingHttpResponse = FileResponse(
            handle, as_attachment=True, filename=filename(panel, fmt)
        )
        answer["Content-Type"] = CONTENT_TYPES[fmt]
    else:
        pieces = csv_lines(records) if fmt == "csv" else json_pieces(records)
        answer = StreamingHttpResponse(
            (chunk.encode() for chunk in _chunks(pieces)), content_type=CONTENT_TYPES[fmt]
        )
        answer["Content-Disposition"] = f'attachment; filename="{filename(panel, fmt)}"'
    # Personal data: no shared cache keeps a copy.
    answer["Cache-Control"] = "private, no-store"
    return answer
