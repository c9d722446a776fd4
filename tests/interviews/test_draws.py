"""Question sets: reproducible from the stored seed, exposure-balanced, never short."""

from __future__ import annotations

import random
import uuid

import pytest

from django_interview_panels.interviews import draws, services
from django_interview_panels.models import (
    Attempt,
    AttemptItem,
    PanelCandidate,
    Question,
    QuestionExposure,
    QuestionVersion,
)

from .conftest import INTERVIEW, open_panel, token_client


def pool(draw_counts: list[int], **fields) -> tuple[draws.PoolQuestion, ...]:
    return tuple(
        draws.PoolQuestion(
            id=n, uuid=uuid.UUID(int=n + 1), version_id=100 + n, draws=count, **fields
        )
        for n, count in enumerate(draw_counts)
    )


def test_the_same_seed_over_the_same_pool_draws_the_same_set():
    cells = [draws.Cell(1, "easy", 3, pool([0] * 10)), draws.Cell(2, "hard", 2, pool([0] * 6))]
    seed = draws.new_seed()
    assert draws.draw(seed, cells) == draws.draw(seed, cells)


def test_the_draw_does_not_depend_on_the_order_the_pool_is_read_in():
    questions = list(pool([0] * 12))
    seed = draws.new_seed()
    first = draws.draw(seed, [draws.Cell(1, "easy", 4, tuple(questions))])
    random.Random(7).shuffle(questions)
    assert draws.draw(seed, [draws.Cell(1, "easy", 4, tuple(questions))]) == first


def test_different_seeds_give_different_sets():
    cells = [draws.Cell(1, "easy", 3, pool([0] * 30))]
    sets = {tuple(d.question.id for d in draws.draw(draws.new_seed(), cells)) for _ in range(20)}
    assert len(sets) > 1


def test_a_seed_has_at_least_128_random_bits():
    seeds = {draws.new_seed() for _ in range(50)}
    assert len(seeds) == 50
    assert all(len(bytes.fromhex(seed)) * 8 >= 128 for seed in seeds)


def test_the_least_drawn_questions_come_first():
    drawn = draws.draw(draws.new_seed(), [draws.Cell(1, "easy", 2, pool([3, 0, 2, 0, 1]))])
    assert sorted(d.question.draws for d in drawn) == [0, 0]


def test_draws_keep_every_question_of_a_pool_within_one_draw_of_the_others():
    # 50 sets of 3 from a pool of 7: each draw takes the least drawn, so the spread stays <= 1
    # and no question exceeds ceil(50 * 3 / 7) = 22 sets: the bound MAX_EXPOSURE_SHARE states.
    counts = [0] * 7
    for _ in range(50):
        questions = pool(counts)
        for item in draws.draw(draws.new_seed(), [draws.Cell(1, "easy", 3, questions)]):
            counts[item.question.id] += 1
        assert max(counts) - min(counts) <= 1
    assert max(counts) == 22


def test_the_exposure_cap_is_a_share_of_the_panels_candidates():
    assert draws.exposure_cap(1000, 0.5) == 500
    assert draws.exposure_cap(1, 0.5) == 1
    assert draws.exposure_cap(10, None) is None
    assert draws.exposure_cap(10, 1) is None


def test_a_pool_smaller_than_the_count_is_refused():
    with pytest.raises(ValueError):
        draws.draw(draws.new_seed(), [draws.Cell(1, "easy", 3, pool([0, 0]))])


def test_shuffled_choices_are_a_permutation_fixed_by_the_seed():
    questions = pool([0], choices=5, shuffle_choices=True)
    seed = draws.new_seed()
    (item,) = draws.draw(seed, [draws.Cell(1, "easy", 1, questions)])
    assert sorted(item.choice_order) == [0, 1, 2, 3, 4]
    assert (
        draws.draw(seed, [draws.Cell(1, "easy", 1, questions)])[0].choice_order == item.choice_order
    )
    orders = {
        tuple(draws.draw(draws.new_seed(), [draws.Cell(1, "easy", 1, questions)])[0].choice_order)
        for _ in range(20)
    }
    assert len(orders) > 1


def test_unshuffled_choices_keep_the_stored_order():
    (item,) = draws.draw(draws.new_seed(), [draws.Cell(1, "easy", 1, pool([0], choices=4))])
    assert item.choice_order == []


def test_a_stored_attempt_replays_from_its_seed(tenant):
    panel = open_panel(tenant)
    first, second = PanelCandidate.objects.filter(panel=panel).order_by("id")[:2]
    token_client(first.token).post(f"{INTERVIEW}start/")
    cells = services.read_pool(panel, lock=False)  # the pool as the second draw will see it
    token_client(second.token).post(f"{INTERVIEW}start/")

    attempt = Attempt.objects.get(assignment=second)
    assert attempt.algorithm_version == draws.ALGORITHM_VERSION
    replayed = [d.question.version_id for d in draws.draw(attempt.seed, cells)]
    stored = list(
        AttemptItem.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("question_version_id", flat=True)
    )
    assert stored == replayed


def test_candidates_of_a_panel_get_the_least_drawn_questions(tenant):
    # Five questions per subtopic and difficulty, one drawn of each per set: the first five
    # candidates of the panel see five different questions in every cell.
    from tests import factories

    tenant.candidates.extend(factories.make_candidate(tenant.organization) for _ in range(2))
    panel = open_panel(tenant)
    for assignment in PanelCandidate.objects.filter(panel=panel):
        assert token_client(assignment.token).post(f"{INTERVIEW}start/").status_code == 201
    counts = list(QuestionExposure.objects.filter(panel=panel).values_list("draws", flat=True))
    assert len(counts) == 5 * 6
    assert set(counts) == {1}
    assert AttemptItem.objects.count() == 5 * 6


def test_drawn_versions_are_marked_used_and_edits_make_a_new_version(tenant, hr_client):
    panel = open_panel(tenant)
    assignment = PanelCandidate.objects.filter(panel=panel).first()
    items = token_client(assignment.token).post(f"{INTERVIEW}start/").json()["data"]["items"]
    item = AttemptItem.objects.select_related("question", "question_version").get(
        uuid=items[0]["uuid"]
    )
    assert item.question_version.is_used
    response = hr_client.patch(
        f"/api/panel/bank/questions/{item.question.uuid}/", {"text": "Edited"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert QuestionVersion.objects.filter(question=item.question).count() == 2
    attempt = token_client(assignment.token).get(f"{INTERVIEW}attempt/").json()["data"]
    assert attempt["items"][0]["text"] == items[0]["text"] != "Edited"


def test_retired_questions_are_never_drawn(tenant):
    panel = open_panel(tenant)
    Question.objects.filter(text__endswith="question 1").update(is_retired=True)
    for assignment in PanelCandidate.objects.filter(panel=panel):
        token_client(assignment.token).post(f"{INTERVIEW}start/")
    drawn = AttemptItem.objects.values_list("question__is_retired", flat=True)
    assert drawn and not any(drawn)


def test_a_shortfall_at_start_is_a_409_and_creates_nothing(tenant):
    panel = open_panel(tenant)
    Question.objects.filter(difficulty="hard").update(is_retired=True)
    assignment = PanelCandidate.objects.filter(panel=panel).first()
    response = token_client(assignment.token).post(f"{INTERVIEW}start/")
    assert response.status_code == 409
    body = response.json()
    assert body["success"] is False
    assert body["message"] == (
        "Not enough questions in the bank to draw this interview's question set."
    )
    assert len(body["errors"]["question_distributions"]) == 2
    assert not Attempt.objects.exists()
    assert not QuestionVersion.objects.filter(is_used=True).exists()
