"""The floors the app is measured against, and the plain view of the HTTP comparison.

- ``list_body``: the list response, byte for byte, from the same six queries the app runs
  (token, membership, count, panels, distributions, candidates), with ``values_list``, plain
  dicts and orjson: no DRF, no model instances, no settings lookups, UTC only. UUIDs come from
  the database as text (``reads.UUIDText``), and datetimes as text too (``reads.StoredText``:
  SQLite's stored text, PostgreSQL's ISO 8601 output), rewritten to the response's ISO 8601 once
  per distinct value: the cheapest way known to produce the bytes.
- ``insert_panel_rows``: the rows a create stores, written with raw multi-row INSERTs in one
  transaction, in the batches Django's ``bulk_create`` would use.
- ``plain_view``: the same precomputed bytes for every request, through the same middleware.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import secrets
import uuid
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from django_interview_panels.models import (
    InterviewPanel,
    Membership,
    PanelCandidate,
    QuestionDistribution,
)
from django_interview_panels.panels.reads import StoredText, UUIDText

MESSAGE = "Interview panels retrieved successfully"
MANAGER_ROLES = ("Admin", "HR")


def list_body(token: str, *, page: int, page_size: int, base_url: str) -> bytes:
    """The ``GET get/?page=...&page_size=...`` response body for the token's user."""
    user_id = (
        Token.objects.filter(key=token, user__is_active=True)
        .values_list("user_id", flat=True)
        .first()
    )
    organization_id, organization_uuid, role = (
        Membership.objects.filter(user_id=user_id)
        .values_list("organization_id", "organization__uuid", "role")
        .get()
    )
    include_tokens = role in MANAGER_ROLES
    sqlite = connection.vendor == "sqlite"
    moments: dict[Any, Any] = {}

    def moment(value: Any) -> Any:
        text = moments.get(value)
        if text is None:
            if sqlite:
                # SQLite's stored text "2030-01-01 09:00:00[.ffffff]" (UTC) is the ISO text but
                # for the separator and the zone.
                text = value.replace(" ", "T") + "Z"
            else:
                # PostgreSQL's "2030-01-01 09:00:00.5+00" (the session is in UTC).
                text = dt.datetime.fromisoformat(value).isoformat().replace("+00:00", "Z")
            moments[value] = text
        return text

    def when(path: str) -> Any:
        return StoredText(path)

    now = timezone.now()
    panels = InterviewPanel.objects.filter(organization_id=organization_id, is_deleted=False)
    count = panels.count()
    offset = (page - 1) * page_size
    rows = list(
        panels.annotate(
            is_active=ExpressionWrapper(Q(end_datetime__gt=now), output_field=BooleanField())
        )
        .order_by("-created_at", "-id")
        .values_list(
            "id",
            UUIDText("uuid"),
            "name",
            "description",
            "total_number_of_questions",
            when("start_datetime"),
            when("end_datetime"),
            "is_active",
            when("created_at"),
            when("updated_at"),
            "category__name",
        )[offset : offset + page_size]
    )
    ids = [row[0] for row in rows]
    categories = {row[0]: row[10] for row in rows}
    distributions: dict[int, list[dict[str, Any]]] = {panel_id: [] for panel_id in ids}
    candidates: dict[int, list[dict[str, Any]]] = {panel_id: [] for panel_id in ids}
    if ids:
        for panel_id, uuid_, topic, subtopic, easy, medium, hard in (
            QuestionDistribution.objects.filter(panel_id__in=ids)
            .order_by("id")
            .values_list(
                "panel_id",
                UUIDText("uuid"),
                "topic__name",
                "subtopic__name",
                "easy",
                "medium",
                "hard",
            )
        ):
            distributions[panel_id].append(
                {
                    "uuid": uuid_,
                    "category": categories[panel_id],
                    "topic": topic,
                    "subtopic": subtopic,
                    "easy": easy,
                    "medium": medium,
                    "hard": hard,
                    "total": easy + medium + hard,
                }
            )
        for panel_id, uuid_, candidate_uuid, name, email, token_, expires_at, score in (
            PanelCandidate.objects.filter(panel_id__in=ids)
            .order_by("id")
            .values_list(
                "panel_id",
                UUIDText("uuid"),
                UUIDText("candidate__uuid"),
                "candidate__name",
                "candidate__email",
                "token",
                when("token_expires_at"),
                "score",
            )
        ):
            candidates[panel_id].append(
                {
                    "uuid": uuid_,
                    "candidate_uuid": candidate_uuid,
                    "candidate_name": name,
                    "candidate_email": email,
                    "token": token_ if include_tokens else None,
                    "token_expires_at": moment(expires_at),
                    "score": score,
                }
            )
    organization = str(organization_uuid)
    total_pages = max(1, math.ceil(count / page_size))
    body = {
        "success": True,
        "message": MESSAGE,
        "data": {
            "interview_panels": [
                {
                    "uuid": uuid_,
                    "name": name,
                    "description": description,
                    "total_number_of_questions": total,
                    "start_datetime": moment(start),
                    "end_datetime": moment(end),
                    "is_active": is_active,
                    "organization": organization,
                    "created_at": moment(created_at),
                    "updated_at": moment(updated_at),
                    "question_distributions": distributions[panel_id],
                    "candidates": candidates[panel_id],
                }
                for (
                    panel_id,
                    uuid_,
                    name,
                    description,
                    total,
                    start,
                    end,
                    is_active,
                    created_at,
                    updated_at,
                    _category,
                ) in rows
            ],
            "pagination": {
                "count": count,
                "page": page,
                "page_size": page_size,
                "total_pages": total_pages,
                "next": f"{base_url}?page={page + 1}&page_size={page_size}"
                if page < total_pages
                else None,
                "previous": f"{base_url}?page={page - 1}&page_size={page_size}"
                if page > 1
                else None,
            },
        },
    }
    # Datetimes from the database are UTC; orjson writes them as the app does, "Z" included.
    return orjson.dumps(body, option=orjson.OPT_UTC_Z)


def floor_view(request: HttpRequest) -> HttpResponse:
    """``list_body`` as a plain Django view, for the HTTP comparison."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    body = list_body(
        token,
        page=int(request.GET.get("page", 1)),
        page_size=int(request.GET.get("page_size", 50)),
        base_url=request.build_absolute_uri(request.path),
    )
    return HttpResponse(body, content_type="application/json")


@cache
def _plain_body() -> bytes:
    return Path(os.environ["BENCH_PLAIN_BODY"]).read_bytes()


def plain_view(request: HttpRequest) -> HttpResponse:
    """The precomputed bytes of one list page: what serving it costs with no work at all."""
    return HttpResponse(_plain_body(), content_type="application/json")


def insert_panel_rows(
    *,
    organization_id: int,
    category_id: int,
    user_id: int,
    distributions: Sequence[tuple[int, int, int, int, int]],
    candidate_ids: Sequence[int],
    start: dt.datetime,
    end: dt.datetime,
) -> int:
    """Insert one panel, its distributions and its candidates' tokens; returns the panel id.

    ``distributions`` holds ``(topic_id, subtopic_id, easy, medium, hard)``.
    """
    sqlite = connection.vendor == "sqlite"

    def as_uuid(value: uuid.UUID) -> Any:
        # Django stores UUIDs as 32 hex characters on SQLite and natively on PostgreSQL.
        return value.hex if sqlite else value

    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    start_value, end_value = adapt(start), adapt(end)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {InterviewPanel._meta.db_table} (uuid, organization_id, name, "
            "description, total_number_of_questions, start_datetime, end_datetime, category_id, "
            "created_by_id, created_at, updated_at, is_deleted, deleted_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [
                as_uuid(uuid.uuid4()),
                organization_id,
                "Benchmark panel",
                "Inserted by the floor",
                sum(sum(d[2:]) for d in distributions),
                start_value,
                end_value,
                category_id,
                user_id,
                now,
                now,
                False,
                None,
            ],
        )
        panel_id = cursor.fetchone()[0]
        _insert_many(
            cursor,
            QuestionDistribution._meta.db_table,
            ("uuid", "panel_id", "topic_id", "subtopic_id", "easy", "medium", "hard"),
            [(as_uuid(uuid.uuid4()), panel_id, *d) for d in distributions],
        )
        _insert_many(
            cursor,
            PanelCandidate._meta.db_table,
            ("uuid", "panel_id", "candidate_id", "token", "token_expires_at", "score"),
            [
                (
                    as_uuid(uuid.uuid4()),
                    panel_id,
                    candidate_id,
                    secrets.token_urlsafe(32),
                    end_value,
                    0,
                )
                for candidate_id in candidate_ids
            ],
        )
    return panel_id


def _insert_many(
    cursor: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    if not rows:
        return
    # The same batches bulk_create uses: one statement per batch of the backend's limit.
    batch = connection.ops.bulk_batch_size(list(columns), rows)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
            + ", ".join([placeholders] * len(chunk)),
            [value for row in chunk for value in row],
        )
