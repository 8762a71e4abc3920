import pytest
from django.db import transaction

from speeches.importing import ImportOptions, import_paths
from speeches.models import Commitment, Speech
from tests.corpus import PUBLIC, SEED


@pytest.fixture(scope="module")
def corpus_archive(django_db_setup, django_db_blocker):
    """The whole shared corpus imported once for the module, in a transaction rolled back after it;
    each test runs inside it in a savepoint of its own (the `db` fixture)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            outcomes = list(import_paths([SEED, *PUBLIC], ImportOptions()))
            assert [outcome.error for outcome in outcomes] == [None] * len(outcomes)
            texts = ("text", "original_text", "search_title", "search_text", "search_folded")
            yield {
                "commitments": list(
                    Commitment.objects.select_related("speech", "topic")
                    .defer(*(f"speech__{name}" for name in texts))
                    .order_by("pk")
                ),
                "speeches": list(Speech.objects.only("title", "text").order_by("pk")),
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def archive(corpus_archive, db):
    """The corpus archive's commitments and speeches as imported; the test may add to the archive."""
    return corpus_archive
