"""Reports imported through the one import service, as staff would import them."""

import pytest

from speeches.importing import ImportOptions, import_paths
from tests.corpus import CORPUS


@pytest.fixture
def import_texts(db):
    def run(*paths):
        outcomes = list(import_paths(paths, ImportOptions()))
        assert all(outcome.error is None for outcome in outcomes), [o.error for o in outcomes]
        return [item.speech for outcome in outcomes for item in outcome.speeches if item.speech is not None]

    return run


@pytest.fixture
def national_reports(import_texts):
    return import_texts(*sorted((CORPUS / "national").glob("*.txt")))
