"""``manage.py export_questions --organization UUID --format gift``: an organization's own
questions as a Moodle XML or GIFT file (docs/import-export.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...bank.exports import export_records
from ...bank.formats import FORMATS, get_format
from .import_questions import find_organization


class Command(BaseCommand):
    help = "Export an organization's questions as a Moodle XML or GIFT file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="the organization's UUID")
        parser.add_argument("--format", choices=sorted(FORMATS), default="moodle_xml")
        parser.add_argument("--output", type=Path, help="default: standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = find_organization(options["organization"])
        data = get_format(options["format"]).render(export_records(organization=organization))
        if options["output"]:
            options["output"].write_bytes(data)
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
