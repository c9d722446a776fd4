"""OpenAPI description of one candidate's access, invitation and erasure operations
(drf-spectacular). The views render plain dicts; the serializers here only describe them, and
``tests/candidates_access/test_schema.py`` checks that they list exactly the fields rendered."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers

from ..api.schema import (
    CANDIDATE_NOT_FOUND,
    CANDIDATE_UUID_PATH,
    PANEL_UUID_PATH,
    RETRY_AFTER_HEADER,
    error_response,
    error_responses,
    success_response,
)
from ..interviews.schema import OverviewStateField
from .access import AccessSerializer

TAG = "Candidates"

# --- Output shapes ----------------------------------------------------------------------------


class AttemptDeadlineSerializer(serializers.Serializer):
    """The candidate's attempt, with its deadline under the current access."""

    state = OverviewStateField(
        help_text="`expired` also for an open attempt past its deadline (computed)."
    )
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(
        help_text=(
            "The earlier of `token_expires_at` and, with a panel time limit, started_at + "
            "time_limit_minutes x time_multiplier + extra_minutes."
        )
    )


class AccessOutputSerializer(serializers.Serializer):
    """A candidate's access to the panel."""

    candidate_uuid = serializers.UUIDField()
    window_starts_at = serializers.DateTimeField(
        allow_null=True, help_text="Null: the panel's start_datetime."
    )
    window_ends_at = serializers.DateTimeField(
        allow_null=True, help_text="Null: the panel's end_datetime."
    )
    extra_minutes = serializers.IntegerField(min_value=0, max_value=10080)
    time_multiplier = serializers.FloatField(min_value=1, max_value=10)
    starts_at = serializers.DateTimeField(help_text="The effective start.")
    ends_at = serializers.DateTimeField(help_text="The effective end.")
    token_expires_at = serializers.DateTimeField(
        help_text="The effective end; the removal time for a removed candidate."
    )
    removed = serializers.BooleanField()
    attempt = AttemptDeadlineSerializer(allow_null=True, help_text="Null: not started.")


class InvitationOutputSerializer(serializers.Serializer):
    """The candidate's invitation count after the resend."""

    candidate_uuid = serializers.UUIDField()
    invitations_sent = serializers.IntegerField(min_value=1)
    last_invited_at = serializers.DateTimeField()
    token_expires_at = serializers.DateTimeField()


class ErasureOutputSerializer(serializers.Serializer):
    """What the erasure did."""

    assignment_uuid = serializers.UUIDField(
        help_text="The candidate's assignment to the panel (no personal data)."
    )
    mode = serializers.ChoiceField(
        choices=["deidentify", "delete"], help_text="The ERASURE setting."
    )
    erased_at = serializers.DateTimeField(allow_null=True, help_text="Null when deleted.")


# --- Examples ---------------------------------------------------------------------------------

CANDIDATE = "7b0c5a52-3f7e-4a57-9c1e-2d5b8f0e6a11"
ACCESS_EXAMPLE = {
    "candidate_uuid": CANDIDATE,
    "window_starts_at": None,
    "window_ends_at": "2099-12-02T18:00:00Z",
    "extra_minutes": 15,
    "time_multiplier": 1.5,
    "starts_at": "2099-12-01T09:00:00Z",
    "ends_at": "2099-12-02T18:00:00Z",
    "token_expires_at": "2099-12-02T18:00:00Z",
    "removed": False,
    "attempt": {
        "state": "in_progress",
        "started_at": "2099-12-01T09:00:00Z",
        "deadline": "2099-12-01T10:45:00Z",
    },
}
INVITATION_EXAMPLE = {
    "candidate_uuid": CANDIDATE,
    "invitations_sent": 2,
    "last_invited_at": "2099-11-30T08:00:00Z",
    "token_expires_at": "2099-12-01T18:00:00Z",
}
ERASURE_EXAMPLE = {
    "assignment_uuid": "0d8f5b8e-6c1a-4b8e-9a57-3e2f1c0b9d44",
    "mode": "deidentify",
    "erased_at": "2099-12-03T08:00:00Z",
}

# --- Operations -------------------------------------------------------------------------------

INVALID_ACCESS = error_response(
    "Invalid request data: a wrong type, a value out of range, or a window ending before it "
    "starts or in the past",
    "Invalid request data",
    {"time_multiplier": ["A number is required."]},
)


def _conflict(description: str, message: str) -> object:
    return error_response(description, message, {"candidate_uuid": [message]})


def _errors(*statuses: int, **overrides: object) -> dict[int, object]:
    return {**error_responses(*statuses, not_found=CANDIDATE_NOT_FOUND), **overrides}


access_retrieve = extend_schema(
    operation_id="candidate_access_retrieve",
    summary="Get a candidate's access",
    description=(
        "The candidate's own window, extra minutes and time multiplier, the effective start "
        "and end, the token's expiry and, once started, the attempt's current deadline. Admin "
        "and HR only (docs/candidates-access.md)."
    ),
    tags=[TAG],
    parameters=[PANEL_UUID_PATH, CANDIDATE_UUID_PATH, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "CandidateAccessResponse",
            "Candidate access retrieved successfully",
            AccessOutputSerializer(),
            ACCESS_EXAMPLE,
        ),
        **_errors(401, 403, 404, 429),
    },
)

access_update = extend_schema(
    operation_id="candidate_access_partial_update",
    summary="Change a candidate's access",
    description=(
        "A partial change: any of `window_starts_at`, `window_ends_at` (null: the panel's), "
        "`extra_minutes` (0-10080) and `time_multiplier` (1.00-10.00, a JSON number). The "
        "window may lie outside the panel's schedule; it must end after it starts, and a "
        "window end set here must be in the future. `token_expires_at` moves to the effective "
        "end in the same transaction, and an attempt in progress gets its new deadline at "
        "once (one already past its deadline is closed first and stays closed). A removed "
        "candidate is a 409. Admin and HR only."
    ),
    tags=[TAG],
    request=AccessSerializer,
    parameters=[PANEL_UUID_PATH, CANDIDATE_UUID_PATH, RETRY_AFTER_HEADER],
    examples=[
        OpenApiExample(
            "Time and a half plus 15 minutes, until a later end",
            value={
                "window_ends_at": "2099-12-02T18:00:00Z",
                "extra_minutes": 15,
                "time_multiplier": 1.5,
            },
            request_only=True,
        ),
        OpenApiExample(
            "Back to the panel's window",
            value={"window_starts_at": None, "window_ends_at": None},
            request_only=True,
        ),
    ],
    responses={
        200: success_response(
            "CandidateAccessUpdateResponse",
            "Candidate access updated successfully",
            AccessOutputSerializer(),
            ACCESS_EXAMPLE,
        ),
        **_errors(401, 403, 404, 415, 429, 503),
        400: INVALID_ACCESS,
        409: _conflict(
            "The candidate was removed from the panel",
            "The candidate was removed from the panel; their access can no longer change.",
        ),
    },
)

invitation_resend = extend_schema(
    operation_id="candidate_invitation_resend",
    summary="Resend a candidate's invitation",
    description=(
        "Counts one more invitation (`invitations_sent`, `last_invited_at`) and sends the "
        "`invitation_resent` signal with the candidate's token once the transaction commits; "
        "the host's receiver (or the app's optional email sender) delivers it: hence 202. No "
        "request body. Refused (409) for a removed candidate and once the candidate's access has "
        "ended. Admin and HR only."
    ),
    tags=[TAG],
    request=None,
    parameters=[PANEL_UUID_PATH, CANDIDATE_UUID_PATH, RETRY_AFTER_HEADER],
    responses={
        202: success_response(
            "CandidateInvitationResponse",
            "Invitation resent",
            InvitationOutputSerializer(),
            INVITATION_EXAMPLE,
        ),
        **_errors(401, 403, 404, 429, 503),
        409: _conflict(
            "The candidate was removed, or their access has ended",
            "The candidate's access to the panel has ended: an invitation would not open it.",
        ),
    },
)

candidate_erase = extend_schema(
    operation_id="candidate_erase",
    summary="Erase a candidate's personal data from a panel",
    description=(
        "On the candidate's request: the candidate counts as removed, an open attempt ends "
        "(`withdrawn`), the token is replaced by an expired random one; then per the `ERASURE` "
        "setting the assignment is de-identified (answers and scores kept, the candidate "
        "NULL: results show them with null uuid, name and email) or deleted with its attempt. "
        "Sends `candidate_erased` on commit. A second erasure is a 404 (the candidate is no "
        "longer on the panel). No request body. Admin and HR only."
    ),
    tags=[TAG],
    request=None,
    parameters=[PANEL_UUID_PATH, CANDIDATE_UUID_PATH, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "CandidateErasureResponse",
            "Candidate's personal data erased",
            ErasureOutputSerializer(),
            ERASURE_EXAMPLE,
        ),
        **_errors(401, 403, 404, 429, 503),
    },
)
