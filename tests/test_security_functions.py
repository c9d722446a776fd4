"""API5:2023 Broken Function Level Authorization: writes need a manager role, methods are fixed.

Every write by a caller whose role is not exactly one of ``MANAGER_ROLES`` is 403 and changes
nothing; a method an endpoint does not offer is 405 in the envelope and changes nothing either.
"""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import client_for
from tests.dumps import panels_dump

pytestmark = pytest.mark.django_db

WRITES = {
    "create": ("post", "/api/panel/create/"),
    "update-put": ("put", "/api/panel/update/{panel}/"),
    "update-patch": ("patch", "/api/panel/update/{panel}/"),
    "delete": ("delete", "/api/panel/delete/{panel}/"),
}
# Role names that look like managers' but are not in MANAGER_ROLES ("Admin", "HR"): the
# comparison is exact, so none of them may write.
NON_MANAGER_ROLES = ["Member", "Interviewer", "admin", "ADMIN", "Admin ", "hr", "Admin or HR"]


@pytest.fixture
def panel(tenant):
    return factories.make_panel(tenant.organization, tenant.category, tenant.candidates)


def write(client, name: str, panel, tenant):
    method, url = WRITES[name]
    body = (
        factories.panel_payload(tenant.category, tenant.candidates)
        if name == "create"
        else {"name": "Written by a non-manager"}
    )
    return getattr(client, method)(url.format(panel=panel.uuid), body, format="json")


@pytest.mark.parametrize("role", NON_MANAGER_ROLES)
@pytest.mark.parametrize("name", list(WRITES))
def test_write_by_a_non_manager_role_is_403_and_changes_nothing(tenant, panel, role, name):
    client = client_for(factories.make_user(tenant.organization, role))
    before = panels_dump()

    response = write(client, name, panel, tenant)

    assert response.status_code == 403
    assert response.json() == {
        "success": False,
        "message": "User is not Admin or HR",
        "errors": {"detail": ["User is not Admin or HR"]},
    }
    assert panels_dump() == before


@pytest.mark.parametrize("name", list(WRITES))
def test_write_by_a_user_without_a_role_is_403_and_changes_nothing(tenant, panel, settings, name):
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "ROLE_RESOLVER": lambda user: None,
    }
    before = panels_dump()

    response = write(client_for(tenant.admin), name, panel, tenant)

    assert response.status_code == 403
    assert response.json()["message"] == "User must have a role"
    assert panels_dump() == before


@pytest.mark.parametrize("name", list(WRITES))
def test_manager_roles_setting_decides_who_writes(tenant, panel, settings, name):
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "MANAGER_ROLES": ("Admin",),
    }
    before = panels_dump()

    response = write(client_for(tenant.hr), name, panel, tenant)

    assert response.status_code == 403
    assert response.json()["message"] == "User is not Admin"
    assert panels_dump() == before


# --- methods ------------------------------------------------------------------------------------

# Path -> the methods its view offers (HEAD comes with GET; OPTIONS is DRF's metadata).
OFFERED = {
    "/api/panel/create/": {"POST", "OPTIONS"},
    "/api/panel/get/": {"GET", "HEAD", "OPTIONS"},
    "/api/panel/get/{panel}/": {"GET", "HEAD", "OPTIONS"},
    "/api/panel/update/{panel}/": {"PUT", "PATCH", "OPTIONS"},
    "/api/panel/delete/{panel}/": {"DELETE", "OPTIONS"},
}
TRIED = ("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT", "PURGE")
UNSUPPORTED = [
    pytest.param(path, method, id=f"{method}-{path}")
    for path, offered in OFFERED.items()
    for method in TRIED
    if method not in offered
]


@pytest.mark.parametrize(("path", "method"), UNSUPPORTED)
def test_unsupported_method_is_405_in_the_envelope_and_changes_nothing(
    tenant, panel, hr_client, path, method
):
    before = panels_dump()

    response = hr_client.generic(
        method, path.format(panel=panel.uuid), b'{"name": "x"}', content_type="application/json"
    )

    assert response.status_code == 405
    assert response.json() == {
        "success": False,
        "message": f'Method "{method}" not allowed.',
        "errors": {"detail": [f'Method "{method}" not allowed.']},
    }
    assert set(response["Allow"].split(", ")) == OFFERED[path]
    assert panels_dump() == before
