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


def _reload_reference_data() -> None:
    """Put back the regions and topics the data migrations load, if a flush removed them."""
    from speeches.models import Region, Topic
    from speeches.parsing.gazetteer import read_regions
    from speeches.parsing.topics import TOPICS

    if not Region.objects.exists():
        ids: dict[str, int] = {}
        for level in (1, 2, 3):  # parents first, so children can point at them
            rows = Region.objects.bulk_create(
                Region(
                    code=r.code, name=r.name, short_name=r.short_name, level=r.level, parent_id=ids.get(r.parent_code)
                )
                for r in read_regions()
                if r.level == level
            )
            ids |= {row.code: row.pk for row in rows}
    if not Topic.objects.exists():
        Topic.objects.bulk_create(
            Topic(slug=t.slug, name=t.name, keywords=" ".join(t.keywords), position=n) for n, t in enumerate(TOPICS)
        )


@pytest.fixture(autouse=True)
def _reference_data(request, django_db_blocker):
    """Tests after a transactional one (live servers, browsers) find the tables flushed, the
    migrations' regions and topics included: put them back before any test that uses the database."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            _reload_reference_data()


# The queue the settings configure (the database's, or Redis under DJANGO_JOBS_URL), read before
# any test changes it.
@pytest.fixture(scope="session")
def configured_job_queue():
    from django.conf import settings

    return settings.TASKS


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings, configured_job_queue):
    """An import a test queues (the admin's confirm) runs at once, inside the request, so the test
    sees what it imported; the tests of the queue itself ask for `job_queue`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def job_queue(settings, configured_job_queue, _jobs_run_at_once):
    """The configured queue: jobs wait until a worker (run_jobs) takes them."""
    settings.TASKS = configured_job_queue
    return configured_job_queue["default"]["BACKEND"]
