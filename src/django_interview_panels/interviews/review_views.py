"""The reviewers' endpoints, under ``reviews/``: managers and the host's ``REVIEWER_ROLES``.

``GET reviews/`` (the queue), ``GET reviews/<item_uuid>/`` (one item with its history) and
``POST reviews/<item_uuid>/`` (score it). Every lookup goes through the caller's organization:
another organization's item answers exactly like a missing one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ..api import pagination
from ..api.filters import filter_errors
from ..api.permissions import IsReviewer
from ..api.responses import ensure_renderable, success
from ..api.schema import on_app_schema
from ..api.views import OrganizationAPIView
from . import review_reads, review_schema, services
from .review_filters import ReviewQueueFilterSet
from .serializers import ReviewSerializer
from .views import parse_item_uuid


class ReviewAPIView(OrganizationAPIView):
    """Base of the review endpoints: reviewers of the caller's organization."""

    permission_classes = [IsReviewer]
    path_parameters = ("item_uuid",)


class ReviewQueueView(ReviewAPIView):
    """``GET reviews/``: a page of the organization's items, oldest first; by default the ones
    waiting for a reviewer."""

    @on_app_schema(review_schema.queue_schema)
    def get(self, request: Request) -> Response:
        items = review_reads.organization_items(self.actor.organization)
        filterset = ReviewQueueFilterSet(request.query_params, queryset=items, request=request)
        page_request, errors = pagination.parse_page_request(request.query_params)
        if not filterset.is_valid():
            errors = {**filter_errors(filterset), **errors}
        if errors:
            raise ValidationError(errors)
        page = pagination.paginate(filterset.qs, page_request)
        data = {
            "items": review_reads.represent_queue(page.object_list),
            "pagination": pagination.describe(page, request),
        }
        return success(_("Items retrieved successfully"), data)


class ReviewItemView(ReviewAPIView):
    """``GET`` and ``POST reviews/<item_uuid>/``: read one item, or score it."""

    @on_app_schema(review_schema.retrieve_schema)
    def get(self, request: Request, item_uuid: str) -> Response:
        data = review_reads.item_for_review(self.actor.organization, parse_item_uuid(item_uuid))
        return success(_("Item retrieved successfully"), data)

    @on_app_schema(review_schema.review_schema)
    def post(self, request: Request, item_uuid: str) -> Response:
        parsed = parse_item_uuid(item_uuid)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = serializer.validated_data
        # The read-back is rendered inside the transaction: a response never fails after commit.
        with transaction.atomic():
            services.review_item(
                organization=self.actor.organization,
                item_uuid=parsed,
                reviewer=request.user,
                dimension_scores=body.get("dimension_scores"),
                points=body.get("points"),
                comment=body.get("comment", ""),
            )
            data = review_reads.item_for_review(self.actor.organization, parsed)
            ensure_renderable(data)
        return success(_("Item reviewed successfully"), data)
