"""/commitments/?q=: the commitment search, with its matches marked and the facets counting the matches."""

import pytest
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from speeches.models import Commitment

from .factories import CHANGZHOU, LUOYANG, SHANGQIU, Pledge

pytestmark = pytest.mark.django_db

INVESTMENT = [
    ("一、", "扩大有效投资", "全年完成固定资产投资700亿元以上。\n新开工重大项目30个。", None),
    ("二、", "稳定粮食生产", "全年粮食播种面积稳定在500万亩以上。", None),
]
PLEDGES = [
    Pledge(
        "全年完成固定资产投资700亿元以上",
        kind=Commitment.Kind.TARGET,
        section=0,
        topic="economy",
        targets=[("700", "亿元", "以上")],
    ),
    Pledge("新开工重大项目30个", kind=Commitment.Kind.TARGET, section=0, topic="industry", targets=[("30", "个", "")]),
    Pledge("全年粮食播种面积稳定在500万亩以上", section=1, topic="agriculture"),
]


@pytest.fixture
def speeches(archive):
    return [
        archive.speech("商丘讲话", city=SHANGQIU, year=2024, outline=INVESTMENT, pledges=PLEDGES),
        archive.speech("洛阳讲话", city=LUOYANG, year=2025, outline=INVESTMENT, pledges=PLEDGES[:1]),
        archive.speech("常州讲话", city=CHANGZHOU, year=2025, outline=INVESTMENT, pledges=PLEDGES[2:]),
    ]


def search(client, **params):
    response = client.get("/commitments/", params)
    assert response.status_code == 200
    return response


def test_a_search_lists_the_matches_marked_and_linked_into_their_speeches(client, speeches):
    response = search(client, q="固定资产投资")
    assertContains(response, "“固定资产投资”的检索结果：共 2 条承诺")
    found = list(response.context["page_obj"])
    assert {c.speech.title for c in found} == {"商丘讲话", "洛阳讲话"}
    for commitment in found:
        assertInHTML(
            f'<a href="/speeches/{commitment.speech_id}/#c-{commitment.pk}">全年完成<mark>固定资产投资</mark>700亿元以上</a>',
            response.content.decode(),
        )
    assertNotContains(response, "粮食播种")


def test_facets_count_the_matches_and_narrow_them(client, speeches):
    response = search(client, q="全年")
    html = response.content.decode()
    assertContains(response, "共 4 条承诺")
    assertInHTML('<a href="?q=%E5%85%A8%E5%B9%B4&amp;year=2025">2025年 <span class="count">2</span></a>', html)
    assertInHTML('<a href="?q=%E5%85%A8%E5%B9%B4&amp;kind=action">举措 <span class="count">2</span></a>', html)
    narrowed = search(client, q="全年", kind="target")
    assert {c.speech.title for c in narrowed.context["page_obj"]} == {"商丘讲话", "洛阳讲话"}
    assert {c.kind for c in narrowed.context["page_obj"]} == {"target"}
    assertContains(narrowed, "类型：目标")
    # The year facet now counts targets only.
    assertInHTML(
        '<a href="?q=%E5%85%A8%E5%B9%B4&amp;kind=target&amp;year=2024">2024年 <span class="count">1</span></a>',
        narrowed.content.decode(),
    )


def test_searching_again_keeps_the_filters(client, speeches):
    response = search(client, q="全年", city=SHANGQIU)
    assertInHTML(f'<input type="hidden" name="city" value="{SHANGQIU}">', response.content.decode())
    assert [c.speech.title for c in response.context["page_obj"]] == ["商丘讲话", "商丘讲话"]


def test_a_search_that_finds_nothing_says_so(client, speeches):
    response = search(client, q="航空航天")
    assertContains(response, "共 0 条承诺")
    assertContains(response, "没有找到符合条件的承诺。")


def test_a_query_that_cannot_be_searched_says_why(client, speeches):
    too_long = search(client, q="投资" * 60)
    assertContains(too_long, "搜索词过长")
    assertContains(too_long, "共 0 条承诺")
    assertContains(search(client, q="？！"), "搜索词里没有汉字、字母或数字。")
