"""OpenAPI description of the candidate's operations (drf-spectacular), tag "Interview".

The candidate has no user account: every operation here is authenticated by the assignment's
token in the ``X-Interview-Token`` header (the ``interviewToken`` security scheme, an OpenAPI
``apiKey``), and by nothing else. The views render plain dicts (``reads.py``); the serializers
here only describe that output. ``tests/interviews/test_schema.py`` checks that they list
exactly the fields the reads render.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers

from ..api.schema import (
    LINKS,
    RETRY_AFTER_HEADER,
    ErrorEnvelopeSerializer,
    error_response,
    error_responses,
    links,
    success_response,
)
from ..conf import app_settings
from ..models import AttemptState, QuestionKind
from .authentication import INVALID_TOKEN, MISSING_TOKEN, TOKEN_HEADER
from .reads import NOT_STARTED
from .serializers import MAX_NUMERIC_ANSWER, AnswerField, AnswerSerializer

TAG = "Interview"
SCHEME = "interviewToken"


class InterviewTokenScheme(OpenApiAuthenticationExtension):
    """``X-Interview-Token: <token>`` as an OpenAPI ``apiKey`` in a header."""

    target_class = "django_interview_panels.interviews.authentication.CandidateTokenAuthentication"
    name = SCHEME

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": TOKEN_HEADER,
            "description": (
                "The candidate's access token (the panel's `candidates[].token`). Only in this "
                "header: a token in the URL or the query string is ignored."
            ),
        }


def answer_schema() -> dict[str, Any]:
    """An answer as sent and as stored: text (open, short answer), a number (numeric) or the
    displayed positions of the chosen choices (single and multiple choice). Which of them an
    item takes follows from its ``kind``; the caps come from the settings when the schema is
    generated."""
    return {
        "oneOf": [
            {
                "type": "string",
                "maxLength": app_settings.MAX_ANSWER_LENGTH,
                # No NUL: the database could not store it (refused with a 400).
                "pattern": "^[^\\u0000]*$",
                "description": "open and short_answer items",
            },
            {
                "type": "number",
                "minimum": -MAX_NUMERIC_ANSWER,
                "maximum": MAX_NUMERIC_ANSWER,
                "description": "numeric items",
            },
            {
                "type": "array",
                "items": {"type": "integer", "minimum": 0},
                "uniqueItems": True,
                "description": (
                    "single_choice (at most one) and multiple_choice items: positions in "
                    "`choices` as displayed, from 0; at most as many as there are choices"
                ),
            },
        ]
    }


class AnswerFieldScheme(OpenApiSerializerFieldExtension):
    """The answer's shapes, in requests and responses alike (``null``: no answer)."""

    target_class = "django_interview_panels.interviews.serializers.AnswerField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return answer_schema()


# --- Output shapes ----------------------------------------------------------------------------


class InterviewPanelInfoSerializer(serializers.Serializer):
    """What the candidate is told about the panel before starting."""

    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    total_number_of_questions = serializers.IntegerField(min_value=1)
    start_datetime = serializers.DateTimeField()
    end_datetime = serializers.DateTimeField(
        help_text="When the candidate's token expires: no answer is taken after it."
    )
    time_limit_minutes = serializers.IntegerField(
        min_value=1,
        allow_null=True,
        help_text="Minutes from the start; null: until `end_datetime`.",
    )


# Enums named here: drf-spectacular names an enum after its field ("StateEnum"), and resolves two
# fields of one name with different values by a hash.
@extend_schema_field(
    {"type": "string", "enum": [NOT_STARTED, *AttemptState.values]},
    component_name="InterviewState",
)
class OverviewStateField(serializers.CharField):
    """Where the candidate stands: before the start, or the attempt's state."""


@extend_schema_field(
    {"type": "string", "enum": list(AttemptState.values)}, component_name="AttemptState"
)
class AttemptStateField(serializers.CharField):
    """An attempt's state as it reads now."""


class InterviewOverviewSerializer(serializers.Serializer):
    """The welcome screen: the panel, where the candidate stands, and the clock."""

    panel = InterviewPanelInfoSerializer()
    state = OverviewStateField(
        help_text="`expired` once an unsubmitted attempt is past its deadline."
    )
    can_start = serializers.BooleanField(
        help_text="No attempt yet and the panel has started: `interview/start/` would draw one."
    )
    deadline = serializers.DateTimeField(
        help_text=(
            "The attempt's deadline, or, before the start, the one a start now would get: the "
            "earlier of `end_datetime` and the start plus the time limit."
        )
    )
    server_time = serializers.DateTimeField(help_text="The server's clock, for a countdown.")


class InterviewAttemptItemSerializer(serializers.Serializer):
    """One question of the candidate's set, as shown: never its answer key."""

    uuid = serializers.UUIDField(help_text="The item: `interview/answers/{item_uuid}/`.")
    position = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    choices = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        help_text="In the order shown to this candidate (empty for kinds without choices).",
    )
    points = serializers.IntegerField(min_value=1)
    expected_time_seconds = serializers.IntegerField(min_value=1)
    answer = AnswerField(allow_null=True, help_text="The saved answer; null when none is saved.")
    answered_at = serializers.DateTimeField(allow_null=True)


class InterviewAttemptSummarySerializer(serializers.Serializer):
    """The attempt without its items (the submit's answer)."""

    uuid = serializers.UUIDField()
    state = AttemptStateField(
        help_text="`expired` once an unsubmitted attempt is past its deadline."
    )
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    server_time = serializers.DateTimeField()
    time_left_seconds = serializers.IntegerField(
        min_value=0, help_text="Seconds to the deadline while in progress, else 0."
    )
    submitted_at = serializers.DateTimeField(allow_null=True)


class InterviewAttemptSerializer(InterviewAttemptSummarySerializer):
    """The attempt with its question set in order and the saved answers."""

    items = InterviewAttemptItemSerializer(many=True)


# --- Examples ---------------------------------------------------------------------------------

ITEM_UUID = "123e4567-e89b-12d3-a456-426614174020"

ITEM_EXAMPLE = {
    "uuid": ITEM_UUID,
    "position": 1,
    "kind": "single_choice",
    "text": "Which of these is mutable?",
    "choices": ["tuple", "list", "str"],
    "points": 1,
    "expected_time_seconds": 60,
    "answer": [1],
    "answered_at": "2099-12-01T09:03:10Z",
}

ATTEMPT_SUMMARY_EXAMPLE = {
    "uuid": "123e4567-e89b-12d3-a456-426614174021",
    "state": "in_progress",
    "started_at": "2099-12-01T09:00:00Z",
    "deadline": "2099-12-01T10:00:00Z",
    "server_time": "2099-12-01T09:05:00Z",
    "time_left_seconds": 3300,
    "submitted_at": None,
}

ATTEMPT_EXAMPLE = {
    **ATTEMPT_SUMMARY_EXAMPLE,
    "items": [
        ITEM_EXAMPLE,
        {
            "uuid": "123e4567-e89b-12d3-a456-426614174022",
            "position": 2,
            "kind": "open",
            "text": "When would you choose a tuple over a list?",
            "choices": [],
            "points": 5,
            "expected_time_seconds": 300,
            "answer": None,
            "answered_at": None,
        },
    ],
}

OVERVIEW_EXAMPLE = {
    "panel": {
        "name": "Python Developer Interview - 2099",
        "description": "Technical interview for Python developer position",
        "total_number_of_questions": 10,
        "start_datetime": "2099-12-01T09:00:00Z",
        "end_datetime": "2099-12-01T18:00:00Z",
        "time_limit_minutes": 60,
    },
    "state": NOT_STARTED,
    "can_start": True,
    "deadline": "2099-12-01T10:05:00Z",
    "server_time": "2099-12-01T09:05:00Z",
}

# One request example per shape; each is accepted for an item of its kind
# (tests/interviews/test_schema.py sends them).
ANSWER_EXAMPLES = [
    OpenApiExample(
        "Text answer (open, short_answer)",
        value={"answer": "A list is mutable; a tuple is not."},
        request_only=True,
    ),
    OpenApiExample("Number (numeric)", value={"answer": 42.5}, request_only=True),
    OpenApiExample(
        "Choice positions (single_choice, multiple_choice)",
        value={"answer": [1]},
        request_only=True,
    ),
    OpenApiExample("Clear the saved answer", value={"answer": None}, request_only=True),
]


# --- Errors -----------------------------------------------------------------------------------


def _unauthenticated() -> OpenApiResponse:
    """Unknown, expired and revoked tokens and those of a deleted panel answer alike; only a
    request without the header is told so."""
    examples = [
        OpenApiExample(
            title,
            value={"success": False, "message": str(message), "errors": {"detail": [str(message)]}},
            response_only=True,
        )
        for title, message in (
            ("Invalid token", INVALID_TOKEN),
            ("No token header", MISSING_TOKEN),
        )
    ]
    return OpenApiResponse(
        ErrorEnvelopeSerializer,
        description=(
            "No token, or an unknown, expired or revoked one, or a deleted panel's: all alike"
        ),
        examples=examples,
    )


def _conflict(description: str, message: str) -> OpenApiResponse:
    return error_response(description, message, {"detail": [message]})


def _errors(
    *statuses: int, described: dict[int, OpenApiResponse] | None = None
) -> dict[int, OpenApiResponse]:
    """The error answers for ``statuses``: the shared ones, the candidate's 401 and 429, and
    ``described`` (an operation's own description of a status)."""
    responses = {
        **error_responses(*statuses),
        401: _unauthenticated(),
        429: error_response(
            "Too many refused tokens from this address, or too many requests with this token",
            "Request was throttled. Expected available in 10 seconds.",
            {"detail": ["Request was throttled. Expected available in 10 seconds."]},
        ),
        **(described or {}),
    }
    return {status: responses[status] for status in statuses}


NOT_STARTED_409 = _conflict(
    "The interview has not been started: start it first",
    "The interview has not been started: start it first.",
)


# Only names the request's component; the view validates with ``AnswerSerializer`` itself.
class InterviewAnswerSerializer(AnswerSerializer):
    """The answer to one item: its shape follows the item's `kind`; null clears it."""


# --- Operations -------------------------------------------------------------------------------

overview_schema = extend_schema(
    operation_id="interview_overview",
    summary="The interview, before or during it",
    description=(
        "The panel's name and description, its number of questions, start, end and time "
        "limit, where the candidate stands (`not_started`, `in_progress`, `submitted`, "
        "`expired`), whether they may start now, the deadline and the server's time. Reads "
        "only: an attempt past its deadline reads as `expired` without being stored so."
    ),
    tags=[TAG],
    parameters=[RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "InterviewOverviewResponse",
            "Interview retrieved successfully",
            InterviewOverviewSerializer(),
            OVERVIEW_EXAMPLE,
        ),
        **_errors(401, 429),
    },
)

start_schema = extend_schema(
    operation_id="interview_start",
    summary="Start (or resume) the interview",
    description=(
        "The first call draws the candidate's question set (exactly the panel's distribution, "
        "exposure-balanced among its candidates) and answers 201; every later call answers "
        "200 with the same attempt and the same set. The items come in order, with choices "
        "in the order shown to this candidate and never an answer key, with the deadline and "
        "the server's time. 409 before the panel's start, or when the bank no longer holds "
        "enough questions for the set (nothing is drawn then). No request body."
    ),
    tags=[TAG],
    parameters=[RETRY_AFTER_HEADER],
    request=None,
    responses={
        201: success_response(
            "InterviewStartedResponse",
            "Interview started",
            InterviewAttemptSerializer(),
            ATTEMPT_EXAMPLE,
        ),
        200: success_response(
            "InterviewResumedResponse",
            "Interview resumed",
            InterviewAttemptSerializer(),
            ATTEMPT_EXAMPLE,
        ),
        **_errors(
            401,
            409,
            429,
            503,
            described={
                409: _conflict(
                    "The panel has not started yet, or the bank is short of questions for the set",
                    "The interview has not started yet.",
                )
            },
        ),
    },
)

attempt_schema = extend_schema(
    operation_id="interview_attempt",
    summary="The attempt: state, time left, items and saved answers",
    description=(
        "The candidate's attempt as `interview/start/` answers it, with the answers saved so "
        "far. Reads only. 404 before the interview has been started."
    ),
    tags=[TAG],
    parameters=[RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "InterviewAttemptResponse",
            "Attempt retrieved successfully",
            InterviewAttemptSerializer(),
            ATTEMPT_EXAMPLE,
        ),
        **_errors(
            401,
            404,
            429,
            described={
                404: error_response(
                    "The interview has not been started",
                    "Attempt not found: start the interview first.",
                    {"attempt": ["Attempt not found: start the interview first."]},
                )
            },
        ),
    },
)

ITEM_UUID_PARAMETER = OpenApiParameter(
    "item_uuid",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="UUID of an item of the candidate's own attempt (`items[].uuid`).",
)

answer_save_schema = extend_schema(
    operation_id="interview_answer_save",
    summary="Save one answer",
    description=(
        "Stores the answer to one item of the candidate's attempt, replacing any saved one; "
        '`{"answer": null}` clears it. Idempotent: the same request twice leaves the same '
        "state, so it is safe for autosave. The answer's shape follows the item's `kind`: a "
        "string for `open` and `short_answer` (at most `MAX_ANSWER_LENGTH` characters, no NUL), "
        "a finite number of absolute value up to 10^15 for `numeric`, a list of distinct "
        "positions in `choices` as displayed (from 0) for `multiple_choice`, at most one for "
        "`single_choice`. A wrong shape is a 400 keyed `answer`. An item that is not in the "
        "candidate's own attempt is a 404, exactly like one that does not exist. After the "
        "submit or past the deadline: 409, and nothing changes."
    ),
    tags=[TAG],
    parameters=[ITEM_UUID_PARAMETER, RETRY_AFTER_HEADER],
    request=InterviewAnswerSerializer,
    examples=ANSWER_EXAMPLES,
    responses={
        200: success_response(
            "InterviewAnswerSavedResponse",
            "Answer saved",
            InterviewAttemptItemSerializer(),
            ITEM_EXAMPLE,
        ),
        **_errors(
            400,
            401,
            404,
            409,
            415,
            429,
            503,
            described={
                400: error_response(
                    "The answer does not fit the item's kind, or the body is not a JSON object "
                    "with `answer`",
                    "Invalid request data",
                    {"answer": ["Send the answer as a list of up to 3 choice positions."]},
                ),
                404: error_response(
                    "Not an item of the candidate's attempt",
                    "Item not found",
                    {"item_uuid": ["Item not found"]},
                ),
                409: _conflict(
                    "The attempt has been submitted, its time is up, or it has not been started",
                    "The interview has been submitted; answers can no longer change.",
                ),
            },
        ),
    },
)

submit_schema = extend_schema(
    operation_id="interview_submit",
    summary="Submit the interview",
    description=(
        "Closes the attempt and scores it: choice, short-answer and numeric items at once, "
        "open answers by the evaluator in the background. Idempotent: a closed attempt is "
        "answered as it is. Past the deadline the attempt closes as `expired`, and the "
        "answers saved before the deadline count. No request body; the answer carries no items."
    ),
    tags=[TAG],
    parameters=[RETRY_AFTER_HEADER],
    request=None,
    responses={
        200: success_response(
            "InterviewSubmittedResponse",
            "Interview submitted",
            InterviewAttemptSummarySerializer(),
            {
                **ATTEMPT_SUMMARY_EXAMPLE,
                "state": "submitted",
                "time_left_seconds": 0,
                "submitted_at": "2099-12-01T09:40:00Z",
            },
        ),
        **_errors(401, 409, 429, 503, described={409: NOT_STARTED_409}),
    },
)


# (operationId, status) -> the operations a client can call next: the first item of the set.
_FIRST_ITEM = "$response.body#/data/items/0/uuid"
LINKS.update(
    {
        ("interview_start", "201"): links("item_uuid", _FIRST_ITEM, "interview_answer_save"),
        ("interview_start", "200"): links("item_uuid", _FIRST_ITEM, "interview_answer_save"),
        ("interview_attempt", "200"): links("item_uuid", _FIRST_ITEM, "interview_answer_save"),
        ("interview_answer_save", "200"): links(
            "item_uuid", "$request.path.item_uuid", "interview_answer_save"
        ),
    }
)
