"""``manage.py import_questions FILE --organization UUID``: a Moodle XML or GIFT file into the
bank of one organization, all or nothing (docs/import-export.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...bank.formats import FORMATS, FormatError, get_format
from ...bank.imports import import_questions
from ...conf import app_settings
from ...models import Difficulty, get_organization_model


def find_organization(value: str) -> Any:
    """The organization whose public UUID is ``value``."""
    model = get_organization_model()
    try:
        return model.objects.get(**{app_settings.ORGANIZATION_UUID_FIELD: value})
    except (model.DoesNotExist, ValueError, ValidationError):
        raise CommandError(f"No organization with UUID {value!r}.") from None


class Command(BaseCommand):
    help = "Import questions from a Moodle XML or GIFT file into an organization's bank."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organization", required=True, help="the organization's UUID")
        parser.add_argument(
            "--format", choices=sorted(FORMATS), help="default: from the file's extension"
        )
        parser.add_argument(
            "--default-difficulty",
            choices=Difficulty.values,
            help="for questions whose file gives no difficulty",
        )
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        name = options["format"] or ("moodle_xml" if path.suffix.lower() == ".xml" else "gift")
        organization = find_organization(options["organization"])
        try:
            with path.open("rb") as file:
                # One byte past the cap is enough to know the file is too large.
                data = file.read(app_settings.IMPORT_MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        if len(data) > app_settings.IMPORT_MAX_BYTES:
            raise CommandError(
                f"{path} is larger than IMPORT_MAX_BYTES ({app_settings.IMPORT_MAX_BYTES} bytes)."
            )
        try:
            parsed = get_format(name).parse(data, max_questions=app_settings.IMPORT_MAX_QUESTIONS)
        except FormatError as exc:
            raise CommandError(str(exc)) from None
        report = import_questions(
            organization=organization,
            records=parsed.records,
            default_difficulty=options["default_difficulty"],
            dry_run=options["dry_run"],
            problems=parsed.problems,
        )
        self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        if report.problems:
            raise CommandError(f"{len(report.problems)} problem(s): nothing was imported.")
