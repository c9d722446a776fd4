"""The fields of the spec's Interview Panel, Question Distribution and Candidate objects."""

from __future__ import annotations

PANEL_FIELDS = {
    "uuid",
    "name",
    "description",
    "total_number_of_questions",
    "start_datetime",
    "end_datetime",
    "is_active",
    "organization",
    "created_at",
    "updated_at",
    "question_distributions",
    "candidates",
}
DISTRIBUTION_FIELDS = {"uuid", "category", "topic", "subtopic", "easy", "medium", "hard", "total"}
CANDIDATE_FIELDS = {
    "uuid",
    "candidate_uuid",
    "candidate_name",
    "candidate_email",
    "token",
    "token_expires_at",
    "score",
}
