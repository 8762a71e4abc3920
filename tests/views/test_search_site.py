"""The site's search as a reader uses it: speech text searched with marked passages that lead to
their paragraphs, commitments sorted and narrowed by year with their context, one search box that
chooses where to look, and counts that agree from page to page."""

import re

import pytest
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains, assertRedirects

from speeches.models import Commitment

from .factories import CHANGZHOU, HENAN, JIANGSU, LUOYANG, SHANGQIU, Pledge

pytestmark = pytest.mark.django_db

REVITALIZE = [
    ("", "", "同志们：\n今天召开乡村工作会议。", None),
    ("一、", "全面推进乡村振兴", "乡村振兴是今年的头等大事。\n全年建成高标准农田10万亩。", None),
    ("二、", "稳定粮食生产", "全年粮食播种面积稳定在500万亩以上。\n各地要把乡村振兴任务分解到月。", None),
]
PLEDGES = [
    Pledge("全年建成高标准农田10万亩", kind=Commitment.Kind.TARGET, section=1, topic="agriculture"),
    Pledge(
        "全年粮食播种面积稳定在500万亩以上",
        kind=Commitment.Kind.DEADLINE,
        section=2,
        topic="agriculture",
        deadline_text="年底前",
    ),
]


def get(client, url: str, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, params)
    return response


def years_in_order(response) -> list[str]:
    return re.findall(r'<li class="commitment-item" data-year="(\d*)">', response.content.decode())


@pytest.fixture
def speeches(archive):
    made = {
        "2023": archive.speech(
            "商丘2023乡村工作会议讲话", city=SHANGQIU, year=2023, outline=REVITALIZE, pledges=PLEDGES
        ),
        "2025": archive.speech(
            "洛阳2025乡村工作会议讲话", city=LUOYANG, year=2025, outline=REVITALIZE, pledges=PLEDGES
        ),
        # It speaks of 乡村振兴 too, but holds no commitment.
        "undated": archive.speech("常州乡村工作会议讲话", city=CHANGZHOU, year=None, outline=REVITALIZE, pledges=[]),
    }
    for speech, deadline in ((made["2023"], 2027), (made["2025"], 2024)):
        Commitment.objects.filter(speech=speech, kind=Commitment.Kind.DEADLINE).update(deadline_year=deadline)
    return made


# --- speeches ------------------------------------------------------------------------------------


def test_speech_search_lists_the_speeches_with_marked_passages_leading_to_their_paragraphs(client, speeches):
    response = get(client, "/speeches/", q="乡村振兴")
    assertContains(response, "“乡村振兴”的检索结果：共 3 篇讲话")
    html = response.content.decode()
    speech = speeches["2025"]
    # The heading and both paragraphs that hold the words, in reading order, each linked to the
    # id its paragraph has on the speech page.
    assertInHTML(
        f'<ol class="passages" aria-label="“乡村振兴”在文中的段落">'
        f'<li><a href="/speeches/{speech.pk}/#s1">一、全面推进<mark>乡村振兴</mark></a></li>'
        f'<li><a href="/speeches/{speech.pk}/#s1-p1"><mark>乡村振兴</mark>是今年的头等大事。</a></li>'
        f'<li><a href="/speeches/{speech.pk}/#s2-p2">各地要把<mark>乡村振兴</mark>任务分解到月。</a></li></ol>',
        html,
    )
    page = get(client, f"/speeches/{speech.pk}/").content.decode()
    for anchor in re.findall(rf'href="/speeches/{speech.pk}/#([^"]+)"', html):
        assert f'id="{anchor}"' in page, anchor


def test_speech_search_has_the_lists_facets_and_filters(client, speeches):
    response = get(client, "/speeches/", q="乡村振兴", year="none")
    assert [s.title for s in response.context["page_obj"]] == ["常州乡村工作会议讲话"]
    assertContains(response, "年份：年份不详")
    facets = {facet.param: facet for facet in response.context["facets"]}
    assert [(o.label, o.count) for o in facets["year"].options] == [("2025年", 1), ("2023年", 1), ("年份不详", 1)]
    assert [(o.label, o.count) for o in facets["has_commitments"].options] == [("无承诺", 1)]
    # A word no speech holds: none found, and the search said so.
    nothing = get(client, "/speeches/", q="航空航天")
    assertContains(nothing, "没有讲话含有“航空航天”")
    # Without words, the list as before: newest first, every speech.
    assert len(get(client, "/speeches/").context["page_obj"]) == 3


def test_speech_search_sorts_by_date_when_asked(client, speeches):
    response = get(client, "/speeches/", q="乡村振兴", sort="oldest")
    assert [s.title for s in response.context["page_obj"]] == [
        "商丘2023乡村工作会议讲话",
        "洛阳2025乡村工作会议讲话",
        "常州乡村工作会议讲话",
    ]
    assertInHTML('<option value="oldest" selected>最早在前</option>', response.content.decode())


def test_the_header_search_box_chooses_commitments_or_speeches(client, speeches):
    html = get(client, "/cities/").content.decode()
    assertInHTML('<label class="visually-hidden" for="header-in">检索范围</label>', html)
    assertInHTML(
        '<select id="header-in" name="in"><option value="commitments">承诺</option>'
        '<option value="speeches">讲话</option></select>',
        html,
    )
    response = client.get("/commitments/", {"q": "乡村振兴", "in": "speeches", "kind": "target"})
    assertRedirects(response, "/speeches/?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4", fetch_redirect_response=False)
    back = client.get("/speeches/", {"q": "高标准农田", "in": "commitments", "year": "2025"})
    assertRedirects(
        back, "/commitments/?q=%E9%AB%98%E6%A0%87%E5%87%86%E5%86%9C%E7%94%B0&year=2025", fetch_redirect_response=False
    )
    # Searching where one already is stays there.
    assert client.get("/speeches/", {"q": "乡村振兴", "in": "speeches"}).status_code == 200


# --- commitments ---------------------------------------------------------------------------------


def test_commitment_results_show_year_place_section_and_context_and_link_into_the_speech(client, speeches):
    response = get(client, "/commitments/", q="高标准农田", sort="newest")
    html = response.content.decode()
    speech = speeches["2025"]
    commitment = speech.commitments.get(kind=Commitment.Kind.TARGET)
    assertInHTML(
        f'<p class="commitment-text"><a href="/speeches/{speech.pk}/#c-{commitment.pk}">'
        "全年建成<mark>高标准农田</mark>10万亩</a></p>",
        html,
    )
    assertInHTML(
        '<p class="commitment-context"><span class="visually-hidden">上下文：</span>'
        "乡村振兴是今年的头等大事。<strong>全年建成<mark>高标准农田</mark>10万亩</strong>。</p>",
        html,
    )
    assertInHTML(
        '<p class="meta"><span class="result-year">2025年</span><span class="result-place">河南省 洛阳市</span>'
        f'<span class="result-source">出自<a href="/speeches/{speech.pk}/">洛阳2025乡村工作会议讲话</a></span></p>',
        html,
    )
    assertInHTML(
        '<p class="section-path"><span class="visually-hidden">所在章节：</span>'
        f'<a href="/speeches/{speech.pk}/#s1">一、全面推进乡村振兴</a></p>',
        html,
    )
    assert years_in_order(response) == ["2025", "2023"]


@pytest.mark.parametrize(
    ("sort", "years"),
    [
        ("newest", ["2025", "2025", "2023", "2023"]),
        ("oldest", ["2023", "2023", "2025", "2025"]),
        # The soonest deadline first (2024 in the 2025 speech), then 2027; those without one after.
        ("deadline", ["2025", "2023", "2025", "2023"]),
    ],
)
def test_commitment_search_sorts(client, speeches, sort, years):
    response = get(client, "/commitments/", q="全年", sort=sort)
    assert years_in_order(response) == years
    assert f'<option value="{sort}" selected>' in response.content.decode()


def test_commitment_search_narrows_by_a_year_range_from_the_form(client, speeches):
    response = get(client, "/commitments/", q="全年", year_min="2024", year_max="2030")
    assert set(years_in_order(response)) == {"2025"}
    html = response.content.decode()
    assertInHTML(
        '<input id="year-min" name="year_min" type="number" inputmode="numeric" min="1900" max="2100" step="1"'
        ' value="2024" placeholder="1978">',
        html,
    )
    assertContains(response, "起始年份：2024")
    # The browsing list takes the same range.
    assert set(years_in_order(get(client, "/commitments/", year_max="2023"))) == {"2023"}


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"sort": "foo"}, "不认识这种排序方式，按默认顺序排列。"),
        ({"year_min": "abc"}, "起始年份“abc”不是 1900—2100 之间的年份，未使用。"),
        ({"year_max": "99999"}, "截止年份“99999”不是 1900—2100 之间的年份，未使用。"),
        ({"year_min": "2030", "year_max": "1990"}, "起始年份 2030 晚于截止年份 1990，年份范围未使用。"),
    ],
)
@pytest.mark.parametrize("url", ["/commitments/", "/speeches/"])
def test_values_the_search_cannot_use_are_left_out_with_a_note(client, speeches, url, params, note):
    response = get(client, url, q="全年", **params)
    assertContains(response, note)
    # Left out: every match is still listed, and the page's links to narrow them do not carry it.
    assert response.context["page_obj"].paginator.count == (4 if url == "/commitments/" else 3)
    links = re.findall(r'href="\?([^"]*)"', response.content.decode())
    assert links
    for name, value in params.items():
        assert not [link for link in links if f"{name}={value}" in link]


def test_words_only_in_speech_text_lead_to_the_speech_search(client, speeches):
    response = get(client, "/commitments/", q="头等大事")
    assertContains(response, "共 0 条承诺")
    assertInHTML(
        '<p class="speech-hint prominent"><a href="/speeches/?q=%E5%A4%B4%E7%AD%89%E5%A4%A7%E4%BA%8B">'
        "在讲话全文中检索“头等大事”</a>：3 篇讲话的正文含有这些词，只是没有写成可识别的承诺。</p>",
        response.content.decode(),
    )
    followed = get(client, "/speeches/", q="头等大事")
    assert followed.context["page_obj"].paginator.count == 3
    # Words found nowhere offer no such link.
    assertNotContains(get(client, "/commitments/", q="航空航天"), "在讲话全文中检索")


def test_search_pages_link_their_feeds_visibly(client, speeches):
    html = get(client, "/commitments/", q="全年", kind="target", page="1").content.decode()
    assertInHTML(
        '<a href="/feeds/commitments.atom?q=%E5%85%A8%E5%B9%B4&amp;kind=target" type="application/atom+xml">'
        "订阅此检索（Atom 源）</a>",
        html,
    )
    assertContains(get(client, "/speeches/", q="全年"), '<a href="/feeds/speeches.atom"')
    assertContains(get(client, f"/cities/{SHANGQIU}/"), f'<a href="/feeds/cities/{SHANGQIU}.atom"')
    assertContains(get(client, "/topics/agriculture/"), '<a href="/feeds/topics/agriculture.atom"')


# --- counts that agree ---------------------------------------------------------------------------


def test_rows_without_a_province_or_year_have_a_bucket_that_chooses_them(client, archive):
    archive.speech("国务院政府工作报告", city=None, province=None, year=2024)
    archive.speech("江苏省政府工作报告", city=None, province=JIANGSU, year=None)
    archive.speech("商丘讲话", city=SHANGQIU, year=2024)
    response = get(client, "/commitments/")
    facets = {facet.param: facet for facet in response.context["facets"]}
    assert [(o.value, o.label, o.count) for o in facets["province"].options] == [
        (JIANGSU, "江苏省", 3),
        ("410000", "河南省", 3),
        ("none", "全国/未注明", 3),
    ]
    assert [(o.value, o.label, o.count) for o in facets["city"].options][-1] == ("none", "省级、全国或未注明", 6)
    assert [(o.value, o.label, o.count) for o in facets["year"].options] == [
        ("2024", "2024年", 6),
        ("none", "年份不详", 3),
    ]
    chosen = get(client, "/commitments/", province="none")
    assert {c.speech.title for c in chosen.context["page_obj"]} == {"国务院政府工作报告"}
    assertContains(chosen, "省份：全国/未注明")
    assert {s.title for s in get(client, "/speeches/", year="none").context["page_obj"]} == {"江苏省政府工作报告"}
    # The lists of places and years count them too, with a link to them.
    assertInHTML(
        '<a class="province" href="/speeches/?province=none">全国/未注明 <span class="count">1</span></a>',
        get(client, "/cities/").content.decode(),
    )
    assertInHTML(
        '<a href="/speeches/?year=none">年份不详 <span class="count">1</span></a>',
        get(client, "/years/").content.decode(),
    )


def test_a_topic_page_counts_the_speeches_its_commitments_come_from(client, archive):
    # Tagged with economy only, but one of its commitments is on industry.
    tagged_elsewhere = archive.speech("只标了经济的讲话", topics=("economy",))
    tagged = archive.speech("标了产业的讲话", topics=("industry",), pledges=[])
    archive.speech("别的讲话", topics=("agriculture",), pledges=[])
    response = get(client, "/topics/industry/")
    # Those saying most about the topic first.
    assert [s.title for s in response.context["page_obj"]] == [tagged_elsewhere.title, tagged.title]
    assertContains(response, "讲话 2 篇，承诺 1 条。")
    assertContains(response, "本主题承诺 1 条")
    listed = {s.pk for s in response.context["page_obj"]}
    assert set(Commitment.objects.filter(topic__slug="industry").values_list("speech", flat=True)) <= listed
    assertInHTML(
        '<li><a href="/topics/industry/">产业与工业</a> <span class="meta">讲话 2 篇，承诺 1 条</span></li>',
        get(client, "/topics/").content.decode(),
    )
    assertInHTML(
        '<a href="/topics/industry/">产业与工业 <span class="count">2</span></a>', get(client, "/").content.decode()
    )


def test_a_municipality_is_listed_once(client, archive):
    archive.speech("北京市政府工作报告", city="110100", year=2024)
    archive.speech("朝阳区政府工作报告", city="110105", year=2024)
    html = get(client, "/cities/").content.decode()
    assert html.count(">北京市 <span") == 1
    assertInHTML('<a class="province" href="/cities/110000/">北京市 <span class="count">2</span></a>', html)
    # The municipality's page lists its district, not itself a second time.
    province_page = get(client, "/cities/110000/").content.decode()
    assert 'href="/cities/110105/"' in province_page
    assert 'href="/cities/110100/"' not in province_page
    assert "北京市政府工作报告" in province_page and "朝阳区政府工作报告" in province_page


def test_a_long_facet_shows_its_first_choices_and_folds_the_rest(client, archive):
    for year in range(2000, 2016):
        archive.speech(f"{year}年的讲话", year=year, pledges=[])
    response = get(client, "/speeches/", year="2001")
    html = response.content.decode()
    assert '<details class="facet-more" open>' in html  # the chosen year is among the folded ones
    assertInHTML("<summary>另外 4 项</summary>", html)
    assert len(get(client, "/speeches/").context["facets"][3].shown) == 12


def test_a_provinces_cities_and_its_own_speeches_add_up_to_its_count(client, archive):
    archive.speech("河南省政府工作报告", city=None, province=HENAN, year=2024)
    archive.speech("商丘讲话", city=SHANGQIU, year=2024)
    archive.speech("洛阳讲话", city=LUOYANG, year=2024)
    own = f'<a href="/speeches/?province={HENAN}&amp;city=none">省级 <span class="count">1</span></a>'
    for url in ("/cities/", "/", f"/cities/{HENAN}/"):
        assertInHTML(own, get(client, url).content.decode())
    assertInHTML(
        f'<a class="province" href="/cities/{HENAN}/">河南省 <span class="count">3</span></a>',
        get(client, "/cities/").content.decode(),
    )
    listed = get(client, "/speeches/", province=HENAN, city="none").context["page_obj"]
    assert [s.title for s in listed] == ["河南省政府工作报告"]


SEARCH_PAGES = [
    "/speeches/?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4",
    "/speeches/?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4&year=none&sort=oldest&page=2",
    "/commitments/?q=%E5%85%A8%E5%B9%B4&sort=oldest&year_min=2000&year_max=2030",
    "/commitments/?q=%E5%85%A8%E5%B9%B4&sort=deadline&province=none&page=2",
    "/commitments/?q=%E5%A4%B4%E7%AD%89%E5%A4%A7%E4%BA%8B",
    "/commitments/?year=none&sort=newest",
    "/topics/agriculture/",
    "/topics/",
    "/cities/",
    "/years/",
]


def test_search_pages_run_as_many_queries_on_a_large_archive_as_on_a_small_one(
    client, archive, django_assert_max_num_queries
):
    def counts() -> dict[str, int]:
        measured = {}
        for url in SEARCH_PAGES:
            with django_assert_max_num_queries(10) as captured:
                assert client.get(url).status_code == 200, url
            measured[url] = len(captured)
        return measured

    archive.speech("商丘讲话", city=SHANGQIU, year=2024, outline=REVITALIZE, pledges=PLEDGES)
    archive.speech("未注明地区和年份的讲话", city=None, year=None, outline=REVITALIZE, pledges=PLEDGES)
    small = counts()
    for year in range(2000, 2030):
        archive.many(3, city=LUOYANG, year=year, outline=REVITALIZE, pledges=PLEDGES, topics=("agriculture",))
    archive.many(3, city=None, year=None, outline=REVITALIZE, pledges=PLEDGES)
    assert counts() == small
