"""Validation of candidate-management requests: the shape and every rule that needs no
database, with the panel create's field and messages (``panels/serializers.py``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..panels.serializers import candidates_field, repeated_candidate_errors


class CandidateAddSerializer(serializers.Serializer):
    """``POST candidates/<panel>/``: ``{"candidate_uuids": [...]}``, at least one, each once,
    at most ``MAX_CANDIDATES_PER_PANEL``."""

    candidate_uuids = candidates_field(required=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        # Rebuilt per serializer: the cap comes from settings, as in the panel create.
        fields = super().get_fields()
        fields["candidate_uuids"] = candidates_field(required=True)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        repeated = repeated_candidate_errors(attrs["candidate_uuids"])
        if repeated:
            raise serializers.ValidationError({"candidate_uuids": repeated})
        return attrs
