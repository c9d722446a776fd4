"""``seed_demo``: two organizations with users, API tokens, candidates and a question bank.

Idempotent: every row is looked up by a stable name and created only when missing, and what the
command prints is read back from the database afterwards, so every run prints the same identifiers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.db.models import Count, Prefetch
from django.utils import timezone
from rest_framework.authtoken.models import Token

from django_interview_panels.bank import services as bank_services
from django_interview_panels.models import (
    Candidate,
    Category,
    Difficulty,
    InterviewPanel,
    Membership,
    Organization,
    PanelCandidate,
    Question,
    QuestionVersion,
    Role,
    RubricDimension,
    Subtopic,
    Topic,
)

PASSWORD = "demo-password"
QUESTIONS_PER_DIFFICULTY = 5
NO_ORGANIZATION_USERNAME = "no-org-user"
BASE_URL = "http://127.0.0.1:8000"
# example_project/manage.py, four levels up from this file.
MANAGE_PY = Path(__file__).resolve().parents[3] / "manage.py"

# The panel a demo candidate can take right away: open since the seed, for DEMO_PANEL_DAYS.
DEMO_PANEL_NAME = "Demo interview (open now)"
DEMO_PANEL_DAYS = 30
DEMO_TIME_LIMIT_MINUTES = 30

# Summary key and membership role of each seeded user; usernames are "<slug>-<key>".
ROLES: tuple[tuple[str, str], ...] = (
    ("admin", Role.ADMIN),
    ("hr", Role.HR),
    ("member", Role.MEMBER),
)


@dataclass(frozen=True)
class BankSpec:
    """A category of the question bank: topic name -> names of its subtopics."""

    name: str
    topics: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class OrganizationSpec:
    """An organization, its candidates as (name, email) and the bank categories it owns."""

    slug: str
    name: str
    candidates: tuple[tuple[str, str], ...]
    banks: tuple[BankSpec, ...] = ()

    def username(self, key: str) -> str:
        """The username of this organization's user for role ``key`` ("admin", "hr", ...)."""
        return f"{self.slug}-{key}"


GLOBAL_BANKS = (BankSpec("Python", {"Data Structures": ("Lists",), "Concurrency": ("asyncio",)}),)

ORGANIZATIONS = (
    OrganizationSpec(
        slug="acme",
        name="Acme Corp",
        candidates=(
            ("Ada Lovelace", "ada.lovelace@example.com"),
            ("Alan Turing", "alan.turing@example.com"),
            ("Grace Hopper", "grace.hopper@example.com"),
        ),
    ),
    OrganizationSpec(
        slug="globex",
        name="Globex Inc",
        candidates=(
            ("Barbara Liskov", "barbara.liskov@example.com"),
            ("Donald Knuth", "donald.knuth@example.com"),
            ("Edsger Dijkstra", "edsger.dijkstra@example.com"),
        ),
        banks=(
            BankSpec("Site Reliability", {"Kubernetes": ("Pods",), "Observability": ("Metrics",)}),
        ),
    ),
)

# What "created N rows" counts, in the order it is reported.
SEEDED_MODELS: tuple[type[models.Model], ...] = (
    Organization,
    get_user_model(),
    Membership,
    Token,
    Candidate,
    Category,
    Topic,
    Subtopic,
    Question,
    QuestionVersion,
    RubricDimension,
    InterviewPanel,
    PanelCandidate,
)


# --- Building the data -------------------------------------------------------------------------


def ensure_user(username: str, organization: Organization | None = None, role: str = "") -> Any:
    """The user ``username`` with an API token, and a membership when given an organization."""
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    if organization is not None:
        # Keyed on the user only: a membership someone changed by hand is left as it is.
        Membership.objects.get_or_create(
            user=user, defaults={"organization": organization, "role": role}
        )
    Token.objects.get_or_create(user=user)
    return user


def question_text(subtopic: Subtopic, difficulty: str, number: int) -> str:
    """The text of demo question ``number`` of ``difficulty`` in ``subtopic``; also its key."""
    return f"{subtopic.topic.name} / {subtopic.name}: {difficulty} question {number}"


# One sample of each kind, with its answer key (docs/bank.md): demo question ``number`` takes the
# kind at ``number - 1`` here, so each subtopic and difficulty has one question of every kind.
KIND_SAMPLES: tuple[dict[str, Any], ...] = (
    {
        "kind": "open",
        "expected_time_seconds": 300,
        "answer_key": {
            "expected_answer": "Names the trade-off and gives an example of each side.",
            "ideal_answer_summary": "Correct trade-off, one example each, mentions complexity.",
            "keywords": ["complexity", "memory", "example"],
            "keyword_coverage": 0.67,
            "red_flags": ["always", "never"],
        },
    },
    {
        "kind": "single_choice",
        "expected_time_seconds": 60,
        "choices": ["O(1)", "O(log n)", "O(n)", "O(n log n)"],
        "answer_key": {"correct": [2], "shuffle_choices": True},
    },
    {
        "kind": "multiple_choice",
        "expected_time_seconds": 90,
        "points": 2,
        "choices": ["Immutable", "Hashable", "Ordered", "Resizable"],
        "answer_key": {"correct": [0, 1, 2], "shuffle_choices": True},
    },
    {
        "kind": "short_answer",
        "expected_time_seconds": 45,
        "answer_key": {
            "accepted_answers": ["append", "list.append"],
            "case_sensitive": False,
            "normalize_whitespace": True,
        },
    },
    {
        "kind": "numeric",
        "expected_time_seconds": 60,
        "answer_key": {"value": 1024, "tolerance": 0},
    },
)
RUBRIC = (("Technical", 3), ("Problem solving", 2), ("Communication", 1))


def ensure_questions(subtopic: Subtopic) -> None:
    """Create whichever of the subtopic's demo questions are missing, each with its version 1."""
    existing = set(subtopic.questions.values_list("text", flat=True))
    for difficulty in Difficulty.values:
        for number in range(1, QUESTIONS_PER_DIFFICULTY + 1):
            text = question_text(subtopic, difficulty, number)
            if text in existing:
                continue
            sample = KIND_SAMPLES[(number - 1) % len(KIND_SAMPLES)]
            bank_services.create_question(
                organization=subtopic.organization,
                subtopic=subtopic,
                content={**sample, "text": text, "difficulty": difficulty},
            )


def ensure_rubric(organization: Organization) -> None:
    """The organization's rubric dimensions, with their weights."""
    for name, weight in RUBRIC:
        RubricDimension.objects.get_or_create(
            organization=organization, name=name, defaults={"weight": weight}
        )


def ensure_bank(spec: BankSpec, organization: Organization | None) -> Category:
    """A category (global when ``organization`` is None) with its topics, subtopics, questions."""
    category, _ = Category.objects.get_or_create(organization=organization, name=spec.name)
    for topic_name, subtopic_names in spec.topics.items():
        topic, _ = Topic.objects.get_or_create(
            organization=organization, category=category, name=topic_name
        )
        for subtopic_name in subtopic_names:
            subtopic, _ = Subtopic.objects.get_or_create(
                organization=organization, topic=topic, name=subtopic_name
            )
            ensure_questions(subtopic)
    return category


def ensure_organization(spec: OrganizationSpec) -> Organization:
    """An organization with its Admin, HR and member users, candidates, own bank and rubric."""
    organization, _ = Organization.objects.get_or_create(name=spec.name)
    for key, role in ROLES:
        ensure_user(spec.username(key), organization, role)
    for name, email in spec.candidates:
        Candidate.objects.get_or_create(
            organization=organization, email=email, defaults={"name": name}
        )
    for bank in spec.banks:
        ensure_bank(bank, organization)
    ensure_rubric(organization)
    return organization


def ensure_demo_panel(organization: Organization) -> InterviewPanel:
    """A panel of the global Python bank that is open now, for every candidate of
    ``organization``: made through the API's service, again once the last one has ended."""
    from django_interview_panels.panels import services as panel_services

    now = timezone.now()
    panel = (
        InterviewPanel.objects.for_organization(organization)
        .filter(name=DEMO_PANEL_NAME, start_datetime__lte=now, end_datetime__gt=now)
        .first()
    )
    if panel is not None:
        return panel
    category = Category.objects.get(organization=None, name=GLOBAL_BANKS[0].name)
    subtopics = Subtopic.objects.filter(topic__category=category).order_by("topic__name", "name")
    counts = {"easy": 1, "medium": 1, "hard": 1}
    return panel_services.create_panel(
        organization=organization,
        created_by=None,
        data={
            "name": DEMO_PANEL_NAME,
            "description": "Take it with a candidate token: see the commands seed_demo prints.",
            "total_number_of_questions": sum(counts.values()) * len(subtopics),
            "start_datetime": now - dt.timedelta(minutes=1),
            "end_datetime": now + dt.timedelta(days=DEMO_PANEL_DAYS),
            "time_limit_minutes": DEMO_TIME_LIMIT_MINUTES,
            "category_uuid": category.uuid,
            "question_distributions": [
                {"topic_uuid": s.topic.uuid, "subtopic_uuid": s.uuid, **counts} for s in subtopics
            ],
            "candidate_uuids": list(
                Candidate.objects.filter(organization=organization)
                .order_by("name", "id")
                .values_list("uuid", flat=True)
            ),
        },
    )


def seed() -> None:
    """Create whatever demo data is missing."""
    for bank in GLOBAL_BANKS:
        ensure_bank(bank, None)
    for spec in ORGANIZATIONS:
        ensure_organization(spec)
    ensure_user(NO_ORGANIZATION_USERNAME)
    ensure_demo_panel(Organization.objects.get(name=ORGANIZATIONS[0].name))


def row_counts() -> dict[str, int]:
    """Rows of each seeded model, keyed by its plural name."""
    return {
        str(model._meta.verbose_name_plural).lower(): model._default_manager.count()
        for model in SEEDED_MODELS
    }


# --- Reading it back ---------------------------------------------------------------------------


def user_summary(user: Any) -> dict[str, str]:
    """Username and API token of ``user``."""
    return {"username": user.username, "token": user.auth_token.key}


def categories_summary(organization: Organization) -> list[dict[str, Any]]:
    """Every category the organization may use, with what of it the organization can see."""
    counts = {
        (row["subtopic_id"], row["difficulty"]): row["count"]
        for row in Question.objects.visible_to(organization)
        .order_by()
        .values("subtopic_id", "difficulty")
        .annotate(count=Count("id"))
    }
    categories = (
        Category.objects.visible_to(organization)
        .order_by("name", "id")
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.visible_to(organization).order_by("name")),
            Prefetch(
                "topics__subtopics",
                queryset=Subtopic.objects.visible_to(organization).order_by("name"),
            ),
        )
    )
    return [
        {
            "uuid": str(category.uuid),
            "name": category.name,
            "topics": [
                {
                    "uuid": str(topic.uuid),
                    "name": topic.name,
                    "subtopics": [
                        {
                            "uuid": str(subtopic.uuid),
                            "name": subtopic.name,
                            "questions": {
                                difficulty: counts.get((subtopic.id, difficulty), 0)
                                for difficulty in Difficulty.values
                            },
                        }
                        for subtopic in topic.subtopics.all()
                    ],
                }
                for topic in category.topics.all()
            ],
        }
        for category in categories
    ]


def organization_summary(spec: OrganizationSpec, users: dict[str, Any]) -> dict[str, Any]:
    """One organization of the summary: its users, candidates and usable categories."""
    organization = Organization.objects.get(name=spec.name)
    candidates = Candidate.objects.filter(organization=organization).order_by("name", "id")
    return {
        "uuid": str(organization.uuid),
        "name": organization.name,
        "users": {key: user_summary(users[spec.username(key)]) for key, _ in ROLES},
        "candidates": [
            {"uuid": str(candidate.uuid), "name": candidate.name, "email": candidate.email}
            for candidate in candidates
        ],
        "categories": categories_summary(organization),
    }


def demo_interview_summary() -> dict[str, Any]:
    """The open demo panel and its candidates' interview tokens."""
    organization = Organization.objects.get(name=ORGANIZATIONS[0].name)
    now = timezone.now()
    panel = (
        InterviewPanel.objects.for_organization(organization)
        .filter(name=DEMO_PANEL_NAME, end_datetime__gt=now)
        .order_by("-created_at", "-id")
        .first()
    )
    assignments = PanelCandidate.objects.filter(panel=panel).select_related("candidate")
    return {
        "panel_uuid": str(panel.uuid),
        "name": panel.name,
        "end_datetime": panel.end_datetime.isoformat(),
        "time_limit_minutes": panel.time_limit_minutes,
        "candidates": [
            {
                "name": a.candidate.name,
                "uuid": str(a.candidate.uuid),
                "token": a.token,
                # The candidate page (docs/ui.md): the token in the fragment, never sent.
                "page_url": f"{BASE_URL}/interview/#{a.token}",
            }
            for a in assignments.order_by("candidate__name", "id")
        ],
    }


def build_summary() -> dict[str, Any]:
    """The seeded organizations, users, tokens and bank, as they are in the database."""
    usernames = [spec.username(key) for spec in ORGANIZATIONS for key, _ in ROLES]
    usernames.append(NO_ORGANIZATION_USERNAME)
    users = {
        user.username: user
        for user in get_user_model()
        .objects.select_related("auth_token")
        .filter(username__in=usernames)
    }
    return {
        "organizations": [organization_summary(spec, users) for spec in ORGANIZATIONS],
        "users_without_organization": [user_summary(users[NO_ORGANIZATION_USERNAME])],
        "demo_interview": demo_interview_summary(),
    }


# --- Printing it -------------------------------------------------------------------------------


def shell_path(path: str | os.PathLike[str], cwd: str | os.PathLike[str] | None = None) -> str:
    """``path`` as a reader would type it in ``cwd``: relative when inside it, else absolute."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, cwd if cwd is not None else os.getcwd())
    if relative.startswith(os.pardir):
        return shlex.quote(absolute)
    # "./python", not "python": a bare name would be looked up on PATH instead.
    return shlex.quote(relative if os.sep in relative else f".{os.sep}{relative}")


def manage_command(*args: str) -> str:
    """A ``manage.py`` command line that uses the interpreter running this command (the venv's)."""
    return " ".join([shell_path(sys.executable), shell_path(MANAGE_PY), *args])


def create_panel_example(organization: dict[str, Any]) -> dict[str, Any]:
    """A valid create request for ``organization``: its first category, tomorrow 09:00-18:00."""
    category = organization["categories"][0]
    subtopics = [(topic, topic["subtopics"][0]) for topic in category["topics"]]
    tomorrow = timezone.now().astimezone(dt.UTC).date() + dt.timedelta(days=1)
    return {
        "name": f"{category['name']} Developer Interview",
        "description": "Technical interview",
        "total_number_of_questions": 5 * len(subtopics),
        "start_datetime": f"{tomorrow.isoformat()}T09:00:00Z",
        "end_datetime": f"{tomorrow.isoformat()}T18:00:00Z",
        "category_uuid": category["uuid"],
        "question_distributions": [
            {
                "topic_uuid": topic["uuid"],
                "subtopic_uuid": subtopic["uuid"],
                "easy": 2,
                "medium": 2,
                "hard": 1,
            }
            for topic, subtopic in subtopics
        ],
        "candidate_uuids": [candidate["uuid"] for candidate in organization["candidates"][:2]],
    }


def render_text(
    summary: dict[str, Any], created: dict[str, int], global_categories: set[str]
) -> str:
    """The human-readable report: what was created, every identifier, and how to try the API."""
    made = [f"{count} {name}" for name, count in created.items() if count]
    lines = [
        f"Created {', '.join(made)}." if made else "Demo data already present; nothing created.",
        f'Every demo user has the password "{PASSWORD}".',
    ]
    for organization in summary["organizations"]:
        lines += ["", f"{organization['name']}  (organization {organization['uuid']})", "  Users:"]
        for key, user in organization["users"].items():
            lines.append(f"    {key:<7} {user['username']:<15} token {user['token']}")
        lines.append("  Candidates:")
        for candidate in organization["candidates"]:
            person = f"{candidate['name']} <{candidate['email']}>"
            lines.append(f"    {person:<46} {candidate['uuid']}")
        lines.append("  Question bank (categories this organization may use):")
        for category in organization["categories"]:
            scope = "global" if category["uuid"] in global_categories else "own"
            lines.append(f"    {category['name']} ({scope})  {category['uuid']}")
            for topic in category["topics"]:
                lines.append(f"      {topic['name']}  {topic['uuid']}")
                for subtopic in topic["subtopics"]:
                    per_difficulty = ", ".join(
                        f"{count} {difficulty}"
                        for difficulty, count in subtopic["questions"].items()
                    )
                    lines.append(
                        f"        {subtopic['name']}  {subtopic['uuid']}  ({per_difficulty})"
                    )

    lines += ["", "Users without an organization (the API answers them 403):"]
    for user in summary["users_without_organization"]:
        lines.append(f"    {user['username']:<15} token {user['token']}")

    first = summary["organizations"][0]
    token = first["users"]["hr"]["token"]
    payload = json.dumps(create_panel_example(first))
    lines += [
        "",
        f"Try the API (start the server first: {manage_command('runserver')}):",
        f"  # list {first['name']}'s interview panels as {first['users']['hr']['username']}",
        f'  curl -H "Authorization: Bearer {token}" {BASE_URL}/api/panel/get/',
        f"  # create one from the {first['categories'][0]['name']} category",
        f"  curl -X POST {BASE_URL}/api/panel/create/ \\",
        f'    -H "Authorization: Bearer {token}" -H "Content-Type: application/json" \\',
        f"    -d {shlex.quote(payload)}",
        "",
        *demo_interview_lines(summary["demo_interview"]),
        "",
        f"Interactive API docs: {BASE_URL}/api/docs/ (ReDoc: /api/redoc/, schema: /api/schema/)",
        f"Admin site: {BASE_URL}/admin/ (make a login with: {manage_command('createsuperuser')})",
    ]
    return "\n".join(lines)


def demo_interview_lines(demo: dict[str, Any]) -> list[str]:
    """How a demo candidate takes the open demo interview through the API."""
    first = demo["candidates"][0]
    header = f'-H "X-Interview-Token: {first["token"]}"'
    interview = f"{BASE_URL}/api/panel/interview"
    lines = [
        f"Take the demo interview '{demo['name']}' as a candidate "
        f"({demo['time_limit_minutes']} minutes once started): open a link in a browser",
        "(the candidate page, docs/ui.md) or use the API (docs/interviews.md).",
    ]
    for candidate in demo["candidates"]:
        lines.append(f"    {candidate['name']:<20} {candidate['page_url']}")
    for candidate in demo["candidates"]:
        lines.append(f"    {candidate['name']:<20} interview token {candidate['token']}")
    return [
        *lines,
        f"  # or through the API as {first['name']}: the overview, then start",
        f"  curl {header} {interview}/",
        f"  curl -X POST {header} {interview}/start/",
        "  # save an answer (an item's uuid from the start), then submit",
        f'  curl -X PUT {header} -H "Content-Type: application/json" \\',
        f'    -d \'{{"answer": "my answer"}}\' {interview}/answers/<item uuid>/',
        f"  curl -X POST {header} {interview}/submit/",
    ]


class Command(BaseCommand):
    """Seed the example project with demo organizations, users, tokens, candidates and questions."""

    help = (
        "Create demo organizations (Admin, HR and member users with API tokens, candidates), "
        "a global and an organization-only question bank, and a user without an organization. "
        "Safe to run again: it only creates what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print only a JSON object with every identifier and token, for scripts.",
        )

    def handle(self, *args: Any, as_json: bool = False, **options: Any) -> None:
        # Lets one command set up a fresh database; migrate's chatter stays off stdout so that
        # --json prints nothing but the JSON object.
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stderr)
        with transaction.atomic():
            before = row_counts()
            seed()
            created = {name: count - before[name] for name, count in row_counts().items()}
            summary = build_summary()
            global_categories = {
                str(uuid)
                for uuid in Category.objects.filter(organization__isnull=True).values_list(
                    "uuid", flat=True
                )
            }
        if as_json:
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            self.stdout.write(render_text(summary, created, global_categories))
