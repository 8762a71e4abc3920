"""The FilterSets every list of speeches or commitments shares: what each parameter selects and counts."""

import pytest
from django.http import QueryDict

from speeches.filters import CommitmentFilter, SpeechFilter
from speeches.models import Commitment, Speech

from .factories import CHANGZHOU, HENAN, JIANGSU, LUOYANG, MINQUAN, SHANGQIU

pytestmark = pytest.mark.django_db


@pytest.fixture
def speeches(archive):
    return {
        "shangqiu_2023": archive.speech("商丘2023", city=SHANGQIU, year=2023, topics=("economy",)),
        "minquan_2024": archive.speech("民权2024", city=MINQUAN, year=2024, topics=("agriculture",)),
        "luoyang_2025": archive.speech("洛阳2025", city=LUOYANG, year=2025, topics=("industry", "economy")),
        "changzhou_2025": archive.speech("常州2025", city=CHANGZHOU, year=2025, topics=("industry",), pledges=[]),
        "undated": archive.speech("无年份", city=None, province=JIANGSU, year=None, topics=()),
    }


def speech_titles(query: str) -> set[str]:
    return {speech.title for speech in SpeechFilter(QueryDict(query), queryset=Speech.objects.all()).qs}


def commitment_titles(query: str) -> list[str]:
    rows = CommitmentFilter(QueryDict(query), queryset=Commitment.objects.by_speech_date()).qs
    return [f"{row.speech.title}:{row.kind}" for row in rows]


def test_city_holds_the_speeches_of_its_counties(speeches):
    assert speech_titles(f"city={SHANGQIU}") == {"商丘2023", "民权2024"}
    assert speech_titles(f"city={MINQUAN}") == {"民权2024"}


def test_province_topic_and_year(speeches):
    assert speech_titles(f"province={HENAN}") == {"商丘2023", "民权2024", "洛阳2025"}
    assert speech_titles("topic=economy") == {"商丘2023", "洛阳2025"}
    assert speech_titles("year=2025") == {"洛阳2025", "常州2025"}
    assert speech_titles(f"year=2025&province={JIANGSU}") == {"常州2025"}


def test_year_range(speeches):
    assert speech_titles("year_min=2024") == {"民权2024", "洛阳2025", "常州2025"}
    assert speech_titles("year_min=2023&year_max=2024") == {"商丘2023", "民权2024"}


def test_has_commitments(speeches):
    assert speech_titles("has_commitments=true") == {"商丘2023", "民权2024", "洛阳2025", "无年份"}
    assert speech_titles("has_commitments=false") == {"常州2025"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=abc", 5),  # malformed: dropped, the rest of the query still applies
        ("year=1e30", 5),
        ("year=-3", 5),
        ("year_min=abc&year_max=2023", 1),
        ("has_commitments=maybe", 5),
        ("sort=sideways", 5),
        ("city=999999", 0),  # a place or topic the archive does not know matches nothing
        ("province=abc", 0),
        ("topic=no-such-topic", 0),
        ("city=" + "商" * 10000, 0),
    ],
)
def test_values_that_cannot_be_understood_never_fail(speeches, query, expected):
    assert len(speech_titles(query)) == expected


def test_sorting(speeches):
    def ordered(sort: str) -> list[str]:
        query = QueryDict(f"sort={sort}")
        return [s.title for s in SpeechFilter(query, queryset=Speech.objects.by_date()).qs]

    assert ordered("date")[:2] == ["常州2025", "洛阳2025"]
    assert ordered("date")[-1] == "无年份"  # unknown year last, on every database
    assert ordered("oldest")[:2] == ["商丘2023", "民权2024"]
    assert ordered("oldest")[-1] == "无年份"
    assert ordered("commitments")[-1] == "常州2025"


def test_facet_counts_leave_out_their_own_filter(speeches):
    filters = SpeechFilter(QueryDict(f"city={SHANGQIU}&year=2023"), queryset=Speech.objects.all())
    facets = {facet.param: facet for facet in filters.facets()}
    # Other years of the chosen city stay on offer, with how many a click would give.
    assert [(o.label, o.count, o.selected) for o in facets["year"].options] == [
        ("2024年", 1, False),
        ("2023年", 1, True),
    ]
    # Other cities of the chosen year.
    assert [(o.label, o.count, o.selected) for o in facets["city"].options] == [("商丘市", 1, True)]
    assert [(o.value, o.count) for o in facets["has_commitments"].options] == [("true", 1)]
    assert [(a.name, a.label) for a in filters.active_filters(list(facets.values()))] == [
        ("城市", "商丘市"),
        ("年份", "2023年"),
    ]


def test_facets_of_a_topic_count_speeches_once(speeches):
    facets = {facet.param: facet for facet in SpeechFilter(QueryDict(""), queryset=Speech.objects.all()).facets()}
    assert [(o.value, o.count) for o in facets["topic"].options] == [
        ("economy", 2),
        ("industry", 2),
        ("agriculture", 1),
    ]
    assert [(o.label, o.count) for o in facets["province"].options] == [("江苏省", 2), ("河南省", 3)]


def test_commitment_filters(speeches):
    assert commitment_titles("kind=deadline&year=2025") == ["洛阳2025:deadline"]
    assert commitment_titles(f"city={SHANGQIU}&strength=binding") == ["民权2024:deadline", "商丘2023:deadline"]
    assert commitment_titles("topic=industry&year_max=2023") == ["商丘2023:deadline"]
    assert len(commitment_titles(f"province={HENAN}")) == 9
    assert len(commitment_titles("kind=promise")) == 12  # an unknown kind is dropped
    assert commitment_titles("city=000000") == []


def test_commitment_facets(speeches):
    filters = CommitmentFilter(QueryDict("kind=target"), queryset=Commitment.objects.all())
    facets = {facet.param: facet for facet in filters.facets()}
    assert [(o.label, o.count, o.selected) for o in facets["kind"].options] == [
        ("目标", 8, True),
        ("时限", 4, False),
    ]
    assert [(o.label, o.count) for o in facets["strength"].options] == [("计划性", 4), ("争取性", 4)]
    assert [(o.label, o.count) for o in facets["year"].options] == [
        ("2025年", 2),
        ("2024年", 2),
        ("2023年", 2),
        ("年份不详", 2),  # the undated speech's: the buckets add up to the total
    ]
