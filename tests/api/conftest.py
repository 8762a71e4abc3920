import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.views.factories import CHANGZHOU, JIANGSU, LUOYANG, MINQUAN, SHANGQIU, ArchiveMaker


@pytest.fixture(autouse=True)
def fresh_throttle():
    # The throttle counts requests per address in the cache; each test starts from nothing.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def archive(db) -> ArchiveMaker:
    return ArchiveMaker()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def speeches(archive):
    """Five speeches in known places, years and topics; one without commitments, one undated."""
    return {
        "shangqiu_2023": archive.speech("商丘2023", city=SHANGQIU, year=2023, topics=("economy",)),
        "minquan_2024": archive.speech("民权2024", city=MINQUAN, year=2024, topics=("agriculture",)),
        "luoyang_2025": archive.speech("洛阳2025", city=LUOYANG, year=2025, topics=("industry", "economy")),
        "changzhou_2025": archive.speech("常州2025", city=CHANGZHOU, year=2025, topics=("industry",), pledges=[]),
        "undated": archive.speech("无年份", city=None, province=JIANGSU, year=None, topics=()),
    }
