"""The benchmark's URLs plus the floors of the save-answer measurement, under ``bench/``.

Only the benchmark serves these (``benchmarks.interview_settings``); the app never does.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from benchmarks import urls
from django_interview_panels.models import AttemptItem

NO_OP_BODY = b'{"success":true}'


@csrf_exempt
def save_floor_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """The single UPDATE a save makes (one item row, by primary key: answer and answered_at),
    from the same JSON body, and nothing else: no token, no lock, no validation, no read."""
    answer = json.loads(request.body)["answer"]
    AttemptItem.objects.filter(pk=item_id).update(answer=answer, answered_at=timezone.now())
    return HttpResponse(NO_OP_BODY, content_type="application/json")


@csrf_exempt
def no_op_view(request: HttpRequest) -> HttpResponse:
    """The same request answered without any work: what the server and middleware cost."""
    return HttpResponse(NO_OP_BODY, content_type="application/json")


urlpatterns = [
    path("bench/save-floor/<int:item_id>/", save_floor_view, name="bench-save-floor"),
    path("bench/no-op/", no_op_view, name="bench-no-op"),
    *urls.urlpatterns,
]
