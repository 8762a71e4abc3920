import pytest

from .factories import ArchiveMaker


@pytest.fixture
def archive(db) -> ArchiveMaker:
    """Make speeches with a known place, topics, year, outline and commitments (see factories.py)."""
    return ArchiveMaker()
