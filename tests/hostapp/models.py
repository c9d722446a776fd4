"""A host project's own models, as the swapped test configuration uses them."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class Organization(models.Model):
    """The host's organization model."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.title


class Role(models.Model):
    """The host's role model. Its names are not unique: on MariaDB/MySQL a unique name under the
    usual case- and trailing-space-insensitive (``_ci``, PAD SPACE) collation could not hold
    "admin" beside "Admin", and the tests give users role names that differ from the managers'
    only so (tests/test_security_functions.py)."""

    name = models.CharField(max_length=50)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """The host's user, with its organization and role as foreign keys."""

    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL)
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.SET_NULL)


class Candidate(models.Model):
    """The host's candidate model."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="candidates")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email_address = models.EmailField()

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
