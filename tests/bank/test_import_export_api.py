"""``POST bank/import/`` and ``GET bank/export/``: files in and out over the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django_interview_panels.bank.exports import export_records
from django_interview_panels.bank.formats import get_format
from django_interview_panels.models import Question
from tests import factories
from tests.bank.test_imports import ALL_KINDS, record, seeded_bank
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

IMPORT = "/api/panel/bank/import/"
EXPORT = "/api/panel/bank/export/"
GIFT = get_format("gift").render(ALL_KINDS)


def upload(user: Any, content: bytes, name: str = "bank.gift", **fields: str) -> Any:
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client_for(user).post(IMPORT, {"file": file, **fields}, format="multipart")


def indexes(organization: Any) -> set[str]:
    return set(
        Question.objects.filter(organization=organization, subtopic__name="Indexes").values_list(
            "text", flat=True
        )
    )


def test_hr_imports_a_file_and_gets_the_report(tenant: Any) -> None:
    response = upload(tenant.hr, GIFT)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["message"] == "Questions imported successfully"
    assert body["data"]["created"]["questions"] == 5
    assert body["data"]["imported"] is True
    assert indexes(tenant.organization) == {item.text for item in ALL_KINDS}


def test_a_second_upload_of_the_same_file_creates_nothing(tenant: Any) -> None:
    upload(tenant.hr, GIFT)

    again = upload(tenant.hr, GIFT)

    assert again.status_code == 201
    assert again.json()["data"]["created"]["questions"] == 0
    assert again.json()["data"]["skipped_existing"] == 5
    assert len(indexes(tenant.organization)) == 5


def test_a_dry_run_reports_and_writes_nothing(tenant: Any) -> None:
    response = upload(tenant.hr, GIFT, dry_run="true")

    assert response.status_code == 200
    assert response.json()["data"]["dry_run"] is True
    assert response.json()["data"]["created"]["questions"] == 5
    assert indexes(tenant.organization) == set()


def test_unmappable_questions_are_a_400_listing_each_and_nothing_is_written(tenant: Any) -> None:
    content = get_format("gift").render([*ALL_KINDS, record("No difficulty", difficulty=None)])

    response = upload(tenant.hr, content)

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == ("Nothing was imported: the file has questions that cannot be mapped")
    assert body["errors"]["file"] == [
        "question 6: The question has no difficulty and no default difficulty was chosen."
    ]
    assert indexes(tenant.organization) == set()


def test_a_default_difficulty_from_the_form_applies(tenant: Any) -> None:
    content = get_format("gift").render([record("No difficulty", difficulty=None)])

    response = upload(tenant.hr, content, default_difficulty="hard")

    assert response.status_code == 201
    assert Question.objects.get(text="No difficulty").difficulty == "hard"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<?xml version='1.0'?><quiz><question", "bank.xml"),
        (
            b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>',
            "bank.xml",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<quiz>&x;</quiz>",
            "bank.xml",
        ),
        (b"\xff\xfe\x00 not utf-8", "bank.gift"),
    ],
    ids=["truncated", "entity-expansion", "external-entity", "undecodable"],
)
def test_a_file_that_is_not_of_its_format_is_a_400_on_file(
    tenant: Any, content: bytes, name: str
) -> None:
    response = upload(tenant.hr, content, name=name)

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["file"]
    assert b"root:" not in response.content


def test_a_file_over_the_size_cap_is_refused(tenant: Any, settings: Any) -> None:
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "IMPORT_MAX_BYTES": 100,
    }

    response = upload(tenant.hr, GIFT)

    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [
        "The file is larger than 100 bytes (IMPORT_MAX_BYTES)."
    ]


def test_an_upload_declared_far_over_the_cap_is_refused_before_it_is_read(
    tenant: Any, settings: Any
) -> None:
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "IMPORT_MAX_BYTES": 100,
    }

    response = upload(tenant.hr, b"// x\n" * 40_000)

    assert response.status_code == 400
    assert "IMPORT_MAX_BYTES" in response.json()["errors"]["file"][0]


def test_the_import_takes_multipart_only(tenant: Any) -> None:
    response = client_for(tenant.hr).post(IMPORT, {"file": "x"}, format="json")

    assert response.status_code == 415
    assert response.json()["success"] is False


@pytest.mark.parametrize(
    ("role", "status"), [("member", 403), ("no_organization", 403), ("anonymous", 401)]
)
def test_only_managers_import_and_export(tenant: Any, loner: Any, role: str, status: int) -> None:
    user = {"member": tenant.member, "no_organization": loner}.get(role)

    assert upload(user, GIFT).status_code == status
    assert client_for(user).get(EXPORT).status_code == status
    assert indexes(tenant.organization) == set()


@pytest.mark.parametrize(
    ("name", "media_type"), [("moodle_xml", "application/xml"), ("gift", "text/plain")]
)
def test_export_downloads_a_file_that_imports_into_an_empty_organization_as_the_same_bank(
    tenant: Any, name: str, media_type: str
) -> None:
    seeded_bank(tenant.organization)
    empty = factories.make_organization()
    importer = factories.make_user(empty, "HR")

    exported = client_for(tenant.hr).get(EXPORT, {"file_format": name})

    assert exported.status_code == 200
    assert exported["Content-Type"].startswith(media_type)
    assert exported["Content-Disposition"].startswith('attachment; filename="questions.')
    imported = upload(importer, exported.content, file_format=name)
    assert imported.status_code == 201, imported.content
    assert set(export_records(organization=empty)) == set(
        export_records(organization=tenant.organization)
    )


def test_an_unknown_export_format_is_a_400(tenant: Any) -> None:
    response = client_for(tenant.hr).get(EXPORT, {"file_format": "csv"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file_format"]


def test_another_organizations_export_holds_none_of_this_ones_questions(
    tenant: Any, other_tenant: Any
) -> None:
    upload(tenant.hr, GIFT)

    exported = client_for(other_tenant.hr).get(EXPORT, {"file_format": "gift"})

    assert exported.status_code == 200
    assert all(item.text.encode() not in exported.content for item in ALL_KINDS)


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=2_000), name=st.sampled_from(["bank.xml", "bank.gift"]))
def test_any_uploaded_bytes_get_an_envelope_answer_never_a_500(
    tenant: Any, content: bytes, name: str
) -> None:
    response = upload(tenant.hr, content, name=name, dry_run="true")

    assert response.status_code in (200, 400), response.content
    assert response.json()["success"] is (response.status_code == 200)


def test_parameters_sent_empty_are_errors_not_defaults(tenant: Any) -> None:
    exported = client_for(tenant.hr).get(EXPORT, {"file_format": ""})
    imported = upload(tenant.hr, GIFT, file_format="", dry_run="")

    assert exported.status_code == 400
    assert exported.json()["errors"] == {
        "file_format": ["Give a value, or leave the parameter out."]
    }
    assert imported.status_code == 400
    assert set(imported.json()["errors"]) == {"file_format", "dry_run"}
    assert indexes(tenant.organization) == set()


def test_a_content_length_that_is_not_a_number_is_no_500(tenant: Any) -> None:
    file = SimpleUploadedFile("bank.gift", GIFT)
    client = client_for(tenant.hr)

    response = client.post(IMPORT, {"file": file}, format="multipart", CONTENT_LENGTH="many")

    assert response.status_code in (201, 400), response.content
    assert response.json()["success"] is (response.status_code == 201)
