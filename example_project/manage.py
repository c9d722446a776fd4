#!/usr/bin/env python
"""Command-line entry point of the example project: ``python example_project/manage.py ...``."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a Django management command with the example project's settings."""
    # Python puts this script's folder first on sys.path, so `example_project.settings` and the
    # `demo` app import from any working directory.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
