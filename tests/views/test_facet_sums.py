"""On the whole shared corpus, every facet of the speech and commitment pages adds up to the
results listed: rows without a province, city, topic or year are counted in their own bucket."""

import pytest
from django.db import transaction
from pytest_django.asserts import assertContains, assertNotContains

from speeches.importing import ImportOptions, import_paths
from speeches.models import Commitment, Speech, Topic
from speeches.search import search_commitments
from tests.corpus import EVERY_TEXT

pytestmark = pytest.mark.corpus

QUERIES = ["", "发展", "乡村振兴", "固定资产投资", "高标准农田 -粮食", "量子计算机", "。，"]
FILTERS = [
    {},
    {"province": "none"},
    {"year": "none"},
    {"city": "none"},
    {"province": "430000"},
    {"city": "150700"},
    {"year_min": "2015", "year_max": "2024"},
    {"year": "2024", "topic": "economy"},
    {"sort": "oldest", "page": "2"},
]
COMMITMENT_FILTERS = [*FILTERS, {"kind": "target"}, {"strength": "binding", "province": "none"}, {"sort": "deadline"}]
SPEECH_FILTERS = [*FILTERS, {"has_commitments": "false"}]
# A speech may have several topics, or none: that facet counts speeches, not a share of them.
MANY_VALUED = {("/speeches/", "topic")}


@pytest.fixture(scope="module")
def whole_corpus(django_db_setup, django_db_blocker):
    """Every text of ../shared/corpus imported once for the module, in a transaction rolled back
    after it; each test runs inside it in a savepoint of its own (the `db` fixture)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            outcomes = list(import_paths(EVERY_TEXT, ImportOptions()))
            assert [outcome.error for outcome in outcomes] == [None] * len(outcomes)
            yield {"speeches": Speech.objects.count(), "commitments": Commitment.objects.count()}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def corpus(whole_corpus, db):
    return whole_corpus


def test_the_corpus_has_rows_for_every_bucket(corpus):
    assert corpus["speeches"] > 60 and corpus["commitments"] > 10_000
    assert Speech.objects.filter(province=None).exists()
    assert Speech.objects.filter(city=None).exclude(province=None).exists()
    assert Speech.objects.filter(year=None).exists()


def check_facets(response, url: str) -> int:
    total = response.context["page_obj"].paginator.count
    for facet in response.context["facets"]:
        counts = [option.count for option in facet.options]
        where = (url, facet.param, response.request["QUERY_STRING"])
        if facet.selected is not None:
            # Chosen: the facet counts over the other filters; its choice is what is listed.
            assert facet.selected.count == total, where
        elif response.request["QUERY_STRING"] and facet.param in response.wsgi_request.GET:
            assert total == 0, where  # a choice no row has: nothing listed, nothing to count it
        elif (url, facet.param) in MANY_VALUED:
            assert all(count <= total for count in counts), where
            assert sum(counts) >= total or not total, where
        else:
            assert sum(counts) == total, where
    return total


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize(("url", "filters"), [("/commitments/", COMMITMENT_FILTERS), ("/speeches/", SPEECH_FILTERS)])
def test_every_facet_adds_up_to_the_results(client, corpus, url, filters, q):
    totals = []
    for chosen in filters:
        response = client.get(url, {"q": q, **chosen} if q else chosen)
        assert response.status_code == 200, (url, q, chosen)
        totals.append(check_facets(response, url))
    if q in {"", "发展", "乡村振兴", "固定资产投资"}:
        assert totals[0] > 0
    elif q in {"量子计算机", "。，"}:
        assert totals == [0] * len(totals)


def test_clicking_a_bucket_lists_as_many_rows_as_it_counts(client, corpus):
    for url, q in (("/commitments/", "发展"), ("/commitments/", ""), ("/speeches/", "发展"), ("/speeches/", "")):
        facets = client.get(url, {"q": q} if q else {}).context["facets"]
        for facet in facets:
            for option in facet.options:
                if option.value != "none" and facet.param not in {"province", "year"}:
                    continue
                params = {facet.param: option.value, **({"q": q} if q else {})}
                listed = client.get(url, params).context["page_obj"].paginator.count
                assert listed == option.count, (url, q, facet.param, option.value)


def test_topic_pages_count_the_speeches_their_commitments_stand_in(client, corpus):
    listed_topics = {topic.slug: topic for topic in client.get("/topics/").context["topics"]}
    for topic in Topic.objects.all():
        response = client.get(f"/topics/{topic.slug}/")
        speeches = response.context["page_obj"].paginator.count
        commitments = response.context["commitment_count"]
        assert commitments == Commitment.objects.filter(topic=topic).count()
        holding = set(Commitment.objects.filter(topic=topic).values_list("speech", flat=True))
        # Every commitment counted stands in a speech counted, and the topic list says the same.
        assert speeches >= len(holding)
        assert (speeches == 0) == (commitments == 0 and not topic.speeches.exists())
        assert (listed_topics[topic.slug].speech_count, listed_topics[topic.slug].commitment_count) == (
            speeches,
            commitments,
        )
        assert f"讲话 {speeches} 篇，承诺 {commitments} 条。" in response.content.decode()


NARROWED = [
    {"kind": "target"},
    {"city": "150700", "sort": "newest"},
    {"province": "430000", "strength": "binding"},
    {"year_min": "2015", "year_max": "2024", "topic": "economy"},
    {"year": "2024", "year_min": "2020"},
    {"year": "2019", "year_max": "2010"},  # crossed: nothing
    {"city": "999999"},  # no such place: nothing
]


@pytest.mark.parametrize("q", ["发展", "乡村振兴", "高标准农田 -粮食"])
def test_a_filtered_search_lists_what_the_filters_leave_of_the_matches(client, corpus, q):
    """The page narrows a search inside its index; the rows, their order and their number are the
    ones the FilterSet leaves of every match."""
    from speeches.filters import CommitmentFilter

    for chosen in NARROWED:
        order = "date" if chosen.get("sort") == "newest" else "relevance"
        every_match = search_commitments(q, order=order).for_listing()
        expected = CommitmentFilter(chosen, queryset=every_match).qs
        page = client.get("/commitments/", {"q": q, **chosen, "page": "2"}).context["page_obj"]
        assert page.paginator.count == expected.count(), (q, chosen)
        shown = expected[(page.number - 1) * 20 : page.number * 20]
        assert [c.pk for c in page] == [c.pk for c in shown], (q, chosen)
    assert client.get("/commitments/", {"q": q, "kind": "target"}).context["page_obj"].paginator.count > 0


def test_a_search_with_very_many_matches_says_its_counts_are_estimates(client, corpus, settings, monkeypatch):
    from django.db import connection

    from speeches.search import facets

    settings.SPEECHES_SEARCH_EXACT_UP_TO = 300
    settings.DEBUG = True  # each statement also written out with its parameters, as in development
    monkeypatch.setattr(facets, "SAMPLE_MATCHES", 400)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    exact = client.get("/commitments/", {"q": "高标准农田"})  # fewer matches than the bound
    assert "约" not in "".join(f"{o.count}" for f in exact.context["facets"] for o in f.options)
    assertNotContains(exact, "按其中固定的一部分估算")
    response = client.get("/commitments/", {"q": "发展"})
    assertContains(response, "匹配的承诺很多，下列数字按其中固定的一部分估算，是约数。")
    assertContains(response, '<span class="count">约')
    page = response.context["page_obj"]
    matches = search_commitments("发展").count()
    if connection.vendor == "postgresql":
        # The total too is estimated, said as such, and its pages go as far as ESTIMATED_PAGES.
        shown = response.context["estimated_total"]
        assert abs(shown - matches) <= 0.3 * matches
        assertContains(response, f"共约 {shown} 条承诺（估计数）")
        assert page.paginator.count == min(shown, 50 * 20)
    else:
        assert page.paginator.count == matches
        assertContains(response, f"共 {matches} 条承诺")
    # A filter chosen from the estimated facets lists exactly the rows it chooses.
    target = client.get("/commitments/", {"q": "发展", "kind": "target"}).context["page_obj"]
    assert {c.kind for c in target} == {"target"}
