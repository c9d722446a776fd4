"""The example project with the database task backend: a submit enqueues the evaluation in a
table, ``manage.py db_worker`` runs it, and the score appears. ``manage.py`` subprocesses on a
throwaway SQLite database, as in tests/test_example_project.py."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from tests.test_example_project import manage

# Run inside `manage.py shell`: a panel open now for one demo candidate, who answers the open
# questions with every keyword of the demo's answer key and submits, over the test client.
SUBMIT = """
import datetime as dt, json, os
from django.utils import timezone
from rest_framework.test import APIClient
from django_interview_panels.models import AttemptItem
from django_tasks_db.models import DBTaskResult

organization = json.loads(os.environ["SEED_JSON"])["organizations"][0]
category = organization["categories"][0]
topic = category["topics"][0]
subtopic = topic["subtopics"][0]
now = timezone.now()
manager = APIClient()
manager.credentials(HTTP_AUTHORIZATION=f"Bearer {organization['users']['hr']['token']}")
created = manager.post("/api/panel/create/", {
    "name": "Tasks", "description": "", "total_number_of_questions": 5,
    "start_datetime": (now - dt.timedelta(minutes=5)).isoformat(),
    "end_datetime": (now + dt.timedelta(hours=2)).isoformat(),
    "category_uuid": category["uuid"],
    "question_distributions": [{"topic_uuid": topic["uuid"], "subtopic_uuid": subtopic["uuid"],
                                "easy": 5, "medium": 0, "hard": 0}],
    "candidate_uuids": [organization["candidates"][0]["uuid"]],
}, format="json")
assert created.status_code == 201, created.json()
token = created.json()["data"]["candidates"][0]["token"]
client = APIClient()
client.credentials(HTTP_X_INTERVIEW_TOKEN=token)
items = client.post("/api/panel/interview/start/").json()["data"]["items"]
for item in items:
    if item["kind"] == "open":
        answer = "Its complexity and memory, with an example."
        saved = client.put(f"/api/panel/interview/answers/{item['uuid']}/", {"answer": answer},
                           format="json")
        assert saved.status_code == 200, saved.json()
assert client.post("/api/panel/interview/submit/").status_code == 200
print(json.dumps({
    "queued": list(DBTaskResult.objects.values_list("task_path", "status")),
    "open_items": list(AttemptItem.objects.filter(question_version__kind="open")
                       .values_list("status", flat=True)),
    "panel": created.json()["data"]["uuid"],
}))
"""

RESULT = """
import json
from django_interview_panels.models import AttemptItem, PanelCandidate
from django_tasks_db.models import DBTaskResult
print(json.dumps({
    "tasks": list(DBTaskResult.objects.values_list("status", flat=True)),
    "open_items": list(AttemptItem.objects.filter(question_version__kind="open")
                       .values_list("status", "evaluator")),
    "scores": list(PanelCandidate.objects.filter(attempt__isnull=False)
                   .values_list("score", flat=True)),
}))
"""

BACKENDS = """
import json
from django.conf import settings
print(json.dumps({"tasks": settings.TASKS["default"]["BACKEND"],
                  "db_app": "django_tasks_db" in settings.INSTALLED_APPS}))
"""


def example_env(database: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("INTERVIEW_TASKS", None)
    env.update(
        DJANGO_SETTINGS_MODULE="example_project.settings",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_DEBUG="0",
        # The test client's host.
        DJANGO_ALLOWED_HOSTS="testserver",
        **extra,
    )
    return env


def shell(env: dict[str, str], code: str) -> Any:
    return json.loads(
        manage(env, "shell", "--no-imports", "-c", code).stdout.strip().splitlines()[-1]
    )


@pytest.fixture(scope="module")
def queued(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, Any]]:
    """A migrated, seeded example database with INTERVIEW_TASKS=db and one submitted attempt."""
    env = example_env(tmp_path_factory.mktemp("example_tasks") / "db.sqlite3", INTERVIEW_TASKS="db")
    manage(env, "migrate", "--noinput", "-v", "0")
    seed = manage(env, "seed_demo", "--json").stdout
    return env, shell({**env, "SEED_JSON": seed}, SUBMIT)


def test_without_interview_tasks_the_example_runs_tasks_at_once(tmp_path):
    env = example_env(tmp_path / "db.sqlite3")

    backends = shell(env, BACKENDS)

    assert backends["tasks"].endswith(".backends.immediate.ImmediateBackend")
    assert backends["db_app"] is False


def test_with_interview_tasks_db_the_checks_pass(queued):
    env, _submitted = queued

    manage(env, "check")


def test_a_submit_queues_the_evaluation_in_the_database(queued):
    _env, submitted = queued

    assert submitted["queued"] == [
        ["django_interview_panels.interviews.tasks.evaluate_attempt", "READY"]
    ]
    assert submitted["open_items"] == ["pending"]


def test_the_db_worker_evaluates_the_queued_answers(queued):
    env, _submitted = queued

    manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")

    result = shell(env, RESULT)
    assert result["tasks"] == ["SUCCESSFUL"]
    assert result["open_items"] == [["evaluated", "keywords/1"]]
    assert result["scores"] == [1]
