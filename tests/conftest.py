"""Fixtures shared by the test folders: staff users with chosen permissions, and the shared corpus."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

CORPUS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

# What a member of staff who imports speeches may do: add speeches and look at the archive.
IMPORTER_PERMISSIONS = ("speeches.add_speech", "speeches.view_speech", "speeches.view_region", "speeches.view_topic")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashers take a second per password on purpose; tests create users by the dozen.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS_DIR


@pytest.fixture
def staff_user(db, django_user_model):
    """Make a staff user (not a superuser) holding the given "app_label.codename" permissions."""

    def make(username: str = "staff", permissions: tuple[str, ...] = ()):
        user = django_user_model.objects.create_user(username=username, is_staff=True)  # logged in with force_login
        for permission in permissions:
            app_label, codename = permission.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return user

    return make


@pytest.fixture
def importer(staff_user):
    return staff_user("importer", IMPORTER_PERMISSIONS)


@pytest.fixture
def importer_client(importer):
    """A client (not the `client` fixture, which stays free for others) logged in as staff who may import."""
    importer_client = Client()
    importer_client.force_login(importer)
    return importer_client
