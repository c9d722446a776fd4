"""The bank endpoints: five resources, each with list, create, bulk create, retrieve, update and
delete (a question some candidate has seen is retired instead), plus a question's versions.

One ``Resource`` per resource says which model, serializers, FilterSet, read and services it
uses; the views below are generic over it, as DRF's mixins are over ``get_queryset()``: every
lookup goes through ``entries()`` (the caller's organization's entries and the global ones), so
another organization's entry is never found, and answers exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from ..api import pagination
from ..api.exceptions import APIError, NotFoundError, RuleViolation
from ..api.fields import capped_messages, parse_canonical_uuid
from ..api.filters import filter_errors
from ..api.permissions import IsOrganizationManager, IsOrganizationMember
from ..api.responses import ensure_renderable, success
from ..api.schema import on_app_schema
from ..api.views import OrganizationAPIView
from ..conf import app_settings
from ..models import Category, Question, RubricDimension, Subtopic, Topic
from . import coverage, filters, reads, services
from . import schema as bank_schema
from . import serializers as bank_serializers
from .exports import UnexportableQuestions, export_records
from .formats import FormatError, get_format
from .imports import import_questions


class GlobalEntryReadOnly(APIError):
    """A global entry (no organization) is shared by all organizations: the API never changes it."""

    status_code = status.HTTP_403_FORBIDDEN
    default_detail = _("Global entries cannot be changed through the API")


@dataclass(frozen=True)
class Resource:
    """What the generic views need to know about one bank resource."""

    # Singular and plural names: ``category_uuid`` (path), ``categories`` (list key).
    name: str
    plural: str
    model: type[Model]
    # "Category", "Categories": the start of every success message.
    label: Any
    label_plural: Any
    create_serializer: type[serializers.Serializer]
    update_serializer: type[serializers.Serializer]
    filterset: type
    # Rows of a queryset as the API's dicts; ``managers`` says whether the caller is one.
    represent: Callable[[QuerySet, bool], list[dict[str, Any]]]
    # Sort order of the list: stable, so pages never overlap.
    ordering: tuple[str, ...] = ("name", "id")

    @property
    def lookup(self) -> str:
        return f"{self.name}_uuid"

    def not_found(self) -> NotFoundError:
        message = str(services.NOT_FOUND_MESSAGES[self.model])
        return NotFoundError(message, {self.lookup: [message]})

    def message(self, action: Any, plural: bool = False) -> str:
        label = self.label_plural if plural else self.label
        return str(
            _("%(resource)s %(action)s successfully") % {"resource": label, "action": action}
        )


CREATED, RETRIEVED, UPDATED, DELETED = _("created"), _("retrieved"), _("updated"), _("deleted")


class ReadForMembersWriteForManagers(BasePermission):
    """Members read (safe methods); Admin and HR write. 401 and the 403s as for panels."""

    def has_permission(self, request: Request, view: Any) -> bool:
        rule = IsOrganizationMember() if request.method in SAFE_METHODS else IsOrganizationManager()
        return rule.has_permission(request, view)


class BankAPIView(OrganizationAPIView):
    """Base of the bank views: the resource's visible entries and their representation."""

    resource: Resource
    permission_classes = [ReadForMembersWriteForManagers]

    @property
    def path_parameters(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.resource.lookup,)

    def entries(self) -> QuerySet:
        """The entries the caller's organization may read: its own and the global ones."""
        return self.resource.model.objects.visible_to(self.actor.organization)

    def represent(self, entries: QuerySet) -> list[dict[str, Any]]:
        return self.resource.represent(entries, self.actor.is_manager)

    def represent_one(self, pk: int) -> dict[str, Any]:
        found = self.represent(self.entries().filter(pk=pk))
        if not found:
            # Deleted by another request since this one found it.
            raise self.resource.not_found()
        return found[0]

    def find(self, value: str) -> Any:
        """The visible entry with the path's UUID; malformed, missing and foreign look alike."""
        parsed = parse_canonical_uuid(value)
        entry = None if parsed is None else self.entries().filter(uuid=parsed).first()
        if entry is None:
            raise self.resource.not_found()
        return entry

    def find_writable(self, value: str) -> Any:
        entry = self.find(value)
        if entry.organization_id is None:
            raise GlobalEntryReadOnly()
        return entry

    # --- the actions (the subclasses made by ``resource_views`` route methods to them) ----------

    def list_entries(self, request: Request) -> Response:
        resource = self.resource
        queryset = self.entries().order_by(*resource.ordering)
        filterset = resource.filterset(request.query_params, queryset=queryset, request=request)
        page_request, errors = pagination.parse_page_request(request.query_params)
        if not filterset.is_valid():
            errors = {**filter_errors(filterset), **errors}
        if errors:
            raise ValidationError(errors)
        page = pagination.paginate(filterset.qs, page_request)
        data = {
            resource.plural: self.represent(page.object_list),
            "pagination": pagination.describe(page, request),
        }
        return success(resource.message(RETRIEVED, plural=True), data)

    def create_entry(self, request: Request) -> Response:
        serializer = self.resource.create_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The read-back is rendered inside the transaction: a response never fails after commit.
        with transaction.atomic():
            [entry] = self.create([serializer.validated_data])
            data = self.represent_one(entry.pk)
            ensure_renderable(data)
        return success(self.resource.message(CREATED), data, status.HTTP_201_CREATED)

    def create_entries(self, request: Request) -> Response:
        serializer = bank_serializers.bulk_serializer(
            self.resource.create_serializer(), data=request.data
        )
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            created = self.create(serializer.validated_data)
            position = {entry.pk: index for index, entry in enumerate(created)}
            rows = self.represent(self.entries().filter(pk__in=list(position)))
            by_uuid = {str(entry.uuid): position[entry.pk] for entry in created}
            data = {self.resource.plural: sorted(rows, key=lambda row: by_uuid[row["uuid"]])}
            ensure_renderable(data)
        return success(self.resource.message(CREATED, plural=True), data, status.HTTP_201_CREATED)

    def create(self, items: list[dict[str, Any]]) -> list[Any]:
        return services.create_entries(
            model=self.resource.model, organization=self.actor.organization, items=items
        )

    def retrieve_entry(self, request: Request, value: str) -> Response:
        entry = self.find(value)
        return success(self.resource.message(RETRIEVED), self.represent_one(entry.pk))

    def update_entry(self, request: Request, value: str) -> Response:
        entry = self.find_writable(value)
        serializer = self.resource.update_serializer(
            data=request.data, context={"current": self.current(entry)}
        )
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            self.update(entry, serializer.validated_data)
            data = self.represent_one(entry.pk)
            ensure_renderable(data)
        return success(self.resource.message(UPDATED), data)

    def current(self, entry: Any) -> dict[str, Any]:
        return {}

    def update(self, entry: Any, data: dict[str, Any]) -> None:
        services.update_entry(entry=entry, changes=data)

    def delete_entry(self, request: Request, value: str) -> Response:
        entry = self.find_writable(value)
        services.delete_entry(entry=entry)
        return success(self.resource.message(DELETED))


class QuestionAPIView(BankAPIView):
    """Questions: created and changed through the versioning services; DELETE deletes a
    question no candidate has seen and retires one a question set has used."""

    def create(self, items: list[dict[str, Any]]) -> list[Any]:
        return services.create_questions(organization=self.actor.organization, items=items)

    def current(self, entry: Any) -> dict[str, Any]:
        return entry.content()

    def update(self, entry: Any, data: dict[str, Any]) -> None:
        services.update_question_from_request(
            organization=self.actor.organization, question=entry, data=data
        )

    def delete_entry(self, request: Request, value: str) -> Response:
        question = self.find_writable(value)
        with transaction.atomic():
            if services.delete_or_retire_question(question=question):
                return success(_("Question deleted successfully"))
            data = self.represent_one(question.pk)
            ensure_renderable(data)
        return success(_("Question retired successfully"), data)

    def list_versions(self, request: Request, value: str) -> Response:
        question = self.find(value)
        versions = question.versions.order_by("-number")
        data = {
            "versions": reads.represent_versions(
                versions, include_answer_keys=self.actor.is_manager
            )
        }
        return success(_("Question versions retrieved successfully"), data)


# --- The resources ------------------------------------------------------------------------------


RESOURCES = {
    "categories": Resource(
        name="category",
        plural="categories",
        model=Category,
        label=_("Category"),
        label_plural=_("Categories"),
        create_serializer=bank_serializers.CategoryCreateSerializer,
        update_serializer=bank_serializers.CategoryUpdateSerializer,
        filterset=filters.CategoryFilterSet,
        represent=lambda rows, managers: reads.represent_categories(rows),
    ),
    "topics": Resource(
        name="topic",
        plural="topics",
        model=Topic,
        label=_("Topic"),
        label_plural=_("Topics"),
        create_serializer=bank_serializers.TopicCreateSerializer,
        update_serializer=bank_serializers.TopicUpdateSerializer,
        filterset=filters.TopicFilterSet,
        represent=lambda rows, managers: reads.represent_topics(rows),
    ),
    "subtopics": Resource(
        name="subtopic",
        plural="subtopics",
        model=Subtopic,
        label=_("Subtopic"),
        label_plural=_("Subtopics"),
        create_serializer=bank_serializers.SubtopicCreateSerializer,
        update_serializer=bank_serializers.SubtopicUpdateSerializer,
        filterset=filters.SubtopicFilterSet,
        represent=lambda rows, managers: reads.represent_subtopics(rows),
    ),
    "rubric-dimensions": Resource(
        name="rubric_dimension",
        plural="rubric_dimensions",
        model=RubricDimension,
        label=_("Rubric dimension"),
        label_plural=_("Rubric dimensions"),
        create_serializer=bank_serializers.RubricDimensionCreateSerializer,
        update_serializer=bank_serializers.RubricDimensionUpdateSerializer,
        filterset=filters.RubricDimensionFilterSet,
        represent=lambda rows, managers: reads.represent_rubric_dimensions(rows),
    ),
    "questions": Resource(
        name="question",
        plural="questions",
        model=Question,
        label=_("Question"),
        label_plural=_("Questions"),
        create_serializer=bank_serializers.QuestionCreateSerializer,
        update_serializer=bank_serializers.QuestionUpdateSerializer,
        filterset=filters.QuestionFilterSet,
        represent=lambda rows, managers: reads.represent_questions(
            rows, include_answer_keys=managers
        ),
        # Creation order: a question has no name.
        ordering=("id",),
    ),
}


def resource_views(path: str) -> dict[str, type[BankAPIView]]:
    """The views of one resource, each method decorated with its own OpenAPI operation."""
    resource = RESOURCES[path]
    base = QuestionAPIView if resource.model is Question else BankAPIView
    ops = bank_schema.operations(resource)
    lookup = resource.lookup

    class CollectionView(base):  # type: ignore[valid-type, misc]
        @on_app_schema(ops["list"])
        def get(self, request: Request) -> Response:
            return self.list_entries(request)

        @on_app_schema(ops["create"])
        def post(self, request: Request) -> Response:
            return self.create_entry(request)

    class BulkView(base):  # type: ignore[valid-type, misc]
        @on_app_schema(ops["bulk_create"])
        def post(self, request: Request) -> Response:
            return self.create_entries(request)

    class DetailView(base):  # type: ignore[valid-type, misc]
        @on_app_schema(ops["retrieve"])
        def get(self, request: Request, **kwargs: str) -> Response:
            return self.retrieve_entry(request, kwargs[lookup])

        @on_app_schema(ops["partial_update"])
        def patch(self, request: Request, **kwargs: str) -> Response:
            return self.update_entry(request, kwargs[lookup])

        @on_app_schema(ops["delete"])
        def delete(self, request: Request, **kwargs: str) -> Response:
            return self.delete_entry(request, kwargs[lookup])

    views: dict[str, type[BankAPIView]] = {
        "collection": CollectionView,
        "bulk": BulkView,
        "detail": DetailView,
    }
    if resource.model is Question:

        class VersionsView(base):  # type: ignore[valid-type, misc]
            @on_app_schema(ops["versions"])
            def get(self, request: Request, **kwargs: str) -> Response:
                return self.list_versions(request, kwargs[lookup])

        views["versions"] = VersionsView
    prefix = "".join(part.title() for part in resource.name.split("_"))
    for kind, view in views.items():
        view.resource = resource
        view.__name__ = view.__qualname__ = f"{prefix}{kind.title()}View"
        view.__doc__ = f"``{path}/`` {kind}: see docs/bank.md."
    return views


# --- Coverage before create (docs/coverage.md) --------------------------------------------------


class CoverageView(OrganizationAPIView):
    """``POST bank/coverage/``: managers plan panels, so only they ask (as for the create)."""

    permission_classes = [IsOrganizationManager]

    @on_app_schema(bank_schema.coverage_schema)
    def post(self, request: Request) -> Response:
        serializer = bank_serializers.BankCoverageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        category, found = coverage.coverage_for_request(
            organization=self.actor.organization,
            category_uuid=data["category_uuid"],
            distributions=data["question_distributions"],
            candidates=data["candidates"],
        )
        return success(
            _("Question coverage retrieved successfully"), represent_coverage(category, found)
        )


def represent_coverage(category: Category, found: coverage.Coverage) -> dict[str, Any]:
    """The response's ``data``; never touches the database (subtopics carry their topic)."""
    return {
        "category": str(category.uuid),
        "candidates": found.candidates,
        "subtopics": [
            {
                "topic_uuid": str(entry.subtopic.topic.uuid),
                "subtopic_uuid": str(entry.subtopic.uuid),
                "subtopic_name": entry.subtopic.name,
                "difficulties": {
                    difficulty: {
                        "available": cell.available,
                        "required": cell.required,
                        "short_by": cell.short_by,
                        "exposure_mean": cell.exposure_mean,
                        "exposure_max": cell.exposure_max,
                    }
                    for difficulty, cell in entry.difficulties.items()
                },
            }
            for entry in found.subtopics
        ],
        "sufficient": found.sufficient,
    }


# --- Import and export (docs/import-export.md) --------------------------------------------------


class QuestionImportView(OrganizationAPIView):
    """``POST bank/import/``: a Moodle XML or GIFT file into the caller's organization's bank,
    all or nothing; ``dry_run`` reports without writing."""

    permission_classes = [IsOrganizationManager]
    parser_classes = [MultiPartParser]

    @on_app_schema(bank_schema.import_schema)
    def post(self, request: Request) -> Response:
        # Refused before Django spools an oversized upload to disk: the declared length is
        # enough (a body longer than it declares is cut there by the server).
        if declared_length(request) > app_settings.IMPORT_MAX_BYTES + UPLOAD_OVERHEAD_BYTES:
            raise ValidationError({"file": [str(file_too_large())]})
        serializer = bank_serializers.QuestionImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        content = upload.read(app_settings.IMPORT_MAX_BYTES + 1)
        if len(content) > app_settings.IMPORT_MAX_BYTES:
            raise ValidationError({"file": [str(file_too_large())]})
        name = data.get("file_format") or (
            "moodle_xml" if (upload.name or "").lower().endswith(".xml") else "gift"
        )
        try:
            parsed = get_format(name).parse(
                content, max_questions=app_settings.IMPORT_MAX_QUESTIONS
            )
        except FormatError as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        report = import_questions(
            organization=self.actor.organization,
            records=parsed.records,
            default_difficulty=data.get("default_difficulty"),
            dry_run=data["dry_run"],
            problems=parsed.problems,
        )
        if report.dry_run:
            return success(_("Import checked; nothing was written (dry run)"), report.as_dict())
        if report.problems:
            problems = [f"{p.location}: {p.reason}" for p in report.problems]
            raise RuleViolation(
                _("Nothing was imported: the file has questions that cannot be mapped"),
                {"file": capped_messages(problems)},
            )
        return success(
            _("Questions imported successfully"), report.as_dict(), status.HTTP_201_CREATED
        )


class QuestionExportView(OrganizationAPIView):
    """``GET bank/export/``: the organization's own live questions as a file."""

    permission_classes = [IsOrganizationManager]

    @on_app_schema(bank_schema.export_schema)
    def get(self, request: Request) -> HttpResponse:
        serializer = bank_serializers.QuestionExportSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        file_format = get_format(serializer.validated_data["file_format"])
        try:
            records = export_records(organization=self.actor.organization)
        except UnexportableQuestions as exc:
            raise RuleViolation(
                _("Some questions cannot be exported: their answer keys do not fit their kinds"),
                {"detail": capped_messages(exc.problems)},
            ) from None
        body = file_format.render(records)
        response = HttpResponse(body, content_type=file_format.media_type)
        filename = f"questions.{file_format.file_extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# Multipart boundaries and the other form fields, on top of the file itself.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def declared_length(request: Request) -> int:
    """The request's Content-Length, 0 when absent or not a number (as Django reads it)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def file_too_large() -> str:
    return str(
        _("The file is larger than %(bytes)d bytes (IMPORT_MAX_BYTES).")
        % {"bytes": app_settings.IMPORT_MAX_BYTES}
    )
