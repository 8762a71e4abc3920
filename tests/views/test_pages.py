"""Every public page answers with what a reader came for."""

import re

import pytest
from django.views.defaults import server_error
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from speeches.models import Commitment, Section, Topic

from .factories import CHANGZHOU, HENAN, JIANGSU, LUOYANG, MINQUAN, SHANGQIU, Pledge

pytestmark = pytest.mark.django_db


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


def titles(response) -> list[str]:
    return re.findall(r'class="speech-title" href="[^"]+">([^<]+)<', response.content.decode())


@pytest.fixture
def three_places(archive):
    """Two cities of Henan in two years and a provincial report of Jiangsu without commitments."""
    return {
        "shangqiu": archive.speech("商丘市招商大会讲话", city=SHANGQIU, year=2024, topics=("economy",)),
        "luoyang": archive.speech("洛阳市制造业大会讲话", city=LUOYANG, year=2025, topics=("industry",)),
        "jiangsu": archive.speech("江苏省政府工作报告", city=None, province=JIANGSU, year=2025, pledges=[]),
    }


def test_home_has_search_counts_latest_ways_in_and_charts(client, three_places):
    response = get(client, "/")
    assertInHTML(
        '<input id="home-q" type="search" name="q" placeholder="例如：固定资产投资、高标准农田" maxlength="100">',
        response.content.decode(),
    )
    assertInHTML('<div><dt>讲话</dt><dd><a href="/speeches/">3</a> 篇</dd></div>', response.content.decode())
    assertInHTML('<div><dt>承诺</dt><dd><a href="/commitments/">6</a> 条</dd></div>', response.content.decode())
    assertInHTML('<div><dt>城市</dt><dd><a href="/cities/">2</a> 个</dd></div>', response.content.decode())
    assertInHTML('<div><dt>年份</dt><dd><a href="/years/">2</a> 个</dd></div>', response.content.decode())
    # Newest first: the two 2025 speeches (the later import first), then 2024.
    assert titles(response) == ["江苏省政府工作报告", "洛阳市制造业大会讲话", "商丘市招商大会讲话"]
    # Ways in: province -> city, topic, year.
    assertInHTML(
        f'<a class="province" href="/cities/{HENAN}/">河南省 <span class="count">2</span></a>',
        response.content.decode(),
    )
    assertInHTML(f'<a href="/cities/{SHANGQIU}/">商丘市 <span class="count">1</span></a>', response.content.decode())
    # A speech counts under a topic it is tagged with or holds a commitment on: 商丘's 招商 pledges are industry's.
    assertInHTML('<a href="/topics/industry/">产业与工业 <span class="count">3</span></a>', response.content.decode())
    assertInHTML('<a href="/years/2024/">2024年 <span class="count">1</span></a>', response.content.decode())
    # Charts: commitments per year (3 in each) and per topic (per speech: 2 economy, 1 industry).
    html = response.content.decode()
    assert re.search(r'<a href="/years/2024/">2024年</a></span>\s*<svg[^>]*><rect x="0" y="0" width="100"', html)
    assert re.search(r'<a href="/topics/economy/">经济发展</a></span>\s*<svg[^>]*><rect x="0" y="0" width="100"', html)
    assert re.search(
        r'<a href="/topics/industry/">产业与工业</a></span>\s*<svg[^>]*><rect x="0" y="0" width="50"', html
    )


def test_speech_list_links_every_speech_and_counts_each_facet(client, three_places):
    response = get(client, "/speeches/")
    html = response.content.decode()
    for speech in three_places.values():
        assert f'href="/speeches/{speech.pk}/"' in html
    assertInHTML(f'<a href="?province={HENAN}">河南省 <span class="count">2</span></a>', html)
    assertInHTML(f'<a href="?city={LUOYANG}">洛阳市 <span class="count">1</span></a>', html)
    assertInHTML('<a href="?topic=economy">经济发展 <span class="count">2</span></a>', html)
    assertInHTML('<a href="?year=2025">2025年 <span class="count">2</span></a>', html)
    assertInHTML('<a href="?has_commitments=true">有承诺 <span class="count">2</span></a>', html)
    assertInHTML('<a href="?has_commitments=false">无承诺 <span class="count">1</span></a>', html)


def test_speech_list_filters_stay_in_the_links_and_can_be_undone(client, three_places):
    response = get(client, f"/speeches/?province={HENAN}&sort=title")
    html = response.content.decode()
    assert titles(response) == ["商丘市招商大会讲话", "洛阳市制造业大会讲话"]
    # Choosing a year keeps the province and the sort; the chosen province links to its removal.
    assertInHTML(
        f'<a href="?province={HENAN}&amp;sort=title&amp;year=2024">2024年 <span class="count">1</span></a>', html
    )
    assertInHTML(
        '<a href="?sort=title" aria-current="true" class="selected">河南省 <span class="count">2</span>'
        '<span class="visually-hidden">（已选，点击取消）</span></a>',
        html,
    )
    assertContains(response, "省份：河南省")
    assertInHTML('<option value="title" selected>按标题</option>', html)


def test_speech_list_pages_keep_the_filters(client, archive):
    archive.many(25, title="测试讲话", year=2023)
    archive.speech("另一年的讲话", year=2022)
    first = get(client, "/speeches/?year=2023")
    assert len(titles(first)) == 20
    assertContains(first, 'href="?year=2023&amp;page=2" rel="next"')
    second = get(client, "/speeches/?year=2023&page=2")
    assert len(titles(second)) == 5
    assert "另一年的讲话" not in titles(first) + titles(second)


def test_speech_list_sorts_by_commitments(client, archive):
    archive.speech("一条承诺", pledges=PLEDGES_ONE)
    archive.speech("三条承诺")
    archive.speech("没有承诺", pledges=[])
    assert titles(get(client, "/speeches/?sort=commitments")) == ["三条承诺", "一条承诺", "没有承诺"]


PLEDGES_ONE = [Pledge("各地要把任务分解到月")]


def test_speech_page_shows_metadata_outline_text_and_marked_commitments(client, archive):
    speech = archive.speech("在全市招商引资工作会议上的讲话", city=SHANGQIU, year=2025, topics=("economy", "industry"))
    sections = list(speech.sections.all())
    commitments = list(speech.commitments.all())
    response = get(client, f"/speeches/{speech.pk}/")
    html = response.content.decode()

    assertInHTML("<h1>在全市招商引资工作会议上的讲话</h1>", html)
    assertInHTML(f'<div><dt>城市</dt><dd><a href="/cities/{SHANGQIU}/">商丘市</a></dd></div>', html)
    assertInHTML(f'<div><dt>省份</dt><dd><a href="/cities/{HENAN}/">河南省</a></dd></div>', html)
    assertInHTML('<div><dt>年份</dt><dd><a href="/years/2025/">2025年</a></dd></div>', html)
    assertInHTML("<div><dt>讲话人</dt><dd>张三</dd></div>", html)
    assertInHTML("<div><dt>场合</dt><dd>全市招商引资工作会议</dd></div>", html)
    assertInHTML(f"<div><dt>来源文件</dt><dd>{speech.source_name}</dd></div>", html)
    assertInHTML('<a href="/topics/industry/">产业与工业</a>', html)

    # The outline: headed sections only, the sub-part nested under its part, linked by outline position.
    opening, part_one, *_ = sections
    assertInHTML(
        '<ol><li><a href="#s1">一、明确目标任务</a></li>'
        '<li><a href="#s2">二、强化工作保障</a>'
        '<ol><li><a href="#s2.1">（一）压实责任</a></li></ol></li></ol>',
        html,
    )
    # Every section and every paragraph can be linked to; the ids given before still lead there.
    for anchor, section in zip(("s0", "s1", "s2", "s2.1"), sections, strict=True):
        assert f'<section id="{anchor}" ' in html
        assert f'<span class="old-anchor" id="s-{section.pk}"></span>' in html
    assert (
        f'<p id="s0-p1"><span class="old-anchor" id="p-{opening.pk}-1"></span>同志们：'
        '<a class="place-link" href="#s0-p1" tabindex="-1" aria-label="第1段的链接">¶</a></p>'
    ) in html
    assert f'<p id="s1-p2"><span class="old-anchor" id="p-{part_one.pk}-2"></span>各地要把任务分解到月。<a' in html
    assert '<h3 class="section-heading">（一）压实责任</h3>' in html

    # Commitments are marked where they are said, with what they are, and listed beside the text.
    target = next(c for c in commitments if c.text.startswith("全年力争"))
    assertInHTML(
        f'<span class="commitment commitment-target" id="c-{target.pk}" tabindex="-1" aria-describedby="cd-{target.pk}">'
        "全年力争引进亿元以上项目100个以上"
        '<span class="commitment-tip" aria-hidden="true">目标 · 争取性 · 100个以上</span></span>',
        html,
    )
    deadline = next(c for c in commitments if c.kind == Commitment.Kind.DEADLINE)
    assert f'id="c-{deadline.pk}"' in html
    assert "时限：6月底前 · 责任：市商务局" in html
    assertInHTML(
        f'<span class="facts" id="cd-{target.pk}"><span class="fact kind-target">目标</span>'
        '<span class="fact">争取性</span><span class="fact">100个以上</span></span>',
        html,
    )
    assert f'<a href="#c-{target.pk}">' in html
    assertContains(response, '<link rel="stylesheet" href="/static/css/print.css" media="print">')


def test_a_commitment_not_found_in_its_section_keeps_its_anchor_in_the_list(client, archive):
    speech = archive.speech(pledges=[Pledge("这句话不在讲话里")])
    commitment = speech.commitments.get()
    html = get(client, f"/speeches/{speech.pk}/").content.decode()
    assert html.count(f'id="c-{commitment.pk}"') == 1
    assert re.search(
        rf'<li id="c-{commitment.pk}" class="kind-action"[^>]*>\s*<span class="side-text">这句话不在讲话里', html
    )


def test_commitments_marked_in_headings_and_text_is_escaped(client, archive):
    outline = [("一、", "抓好<招商>工作", "要确保完成任务。", None)]
    speech = archive.speech(outline=outline, pledges=[Pledge("抓好<招商>工作", section=0)])
    commitment = speech.commitments.get()
    html = get(client, f"/speeches/{speech.pk}/").content.decode()
    assert f'id="c-{commitment.pk}" tabindex="-1" aria-describedby="cd-{commitment.pk}">抓好&lt;招商&gt;工作' in html
    assert "<招商>" not in html


def test_speech_page_links_speeches_of_the_same_city_and_topic(client, archive):
    speech = archive.speech("本篇", city=SHANGQIU, topics=("economy",))
    archive.speech("同城另一篇", city=SHANGQIU, topics=("industry",))
    archive.speech("同主题另一篇", city=CHANGZHOU, topics=("economy",))
    archive.speech("无关的一篇", city=CHANGZHOU, topics=("industry",))
    response = get(client, f"/speeches/{speech.pk}/")
    assert response.context["same_place"][0].title == "同城另一篇"
    assert [s.title for s in response.context["same_topic"]] == ["同主题另一篇"]
    assertContains(response, "商丘市的其他讲话")
    assertContains(response, "“经济发展”主题的其他讲话")
    assertNotContains(response, "无关的一篇")


def test_commitment_list_shows_each_commitment_with_a_link_into_its_speech(client, three_places):
    response = get(client, "/commitments/")
    html = response.content.decode()
    assertContains(response, "共 6 条承诺")
    for commitment in Commitment.objects.all():
        assert f'href="/speeches/{commitment.speech_id}/#c-{commitment.pk}"' in html
    assertInHTML('<a href="?kind=deadline">时限 <span class="count">2</span></a>', html)
    assertInHTML('<a href="?strength=binding">约束性 <span class="count">2</span></a>', html)
    assertInHTML('<a href="?topic=industry">产业与工业 <span class="count">2</span></a>', html)


def test_commitment_list_filters_by_kind_and_city(client, three_places):
    response = get(client, f"/commitments/?kind=target&city={LUOYANG}")
    assertContains(response, "共 2 条承诺")
    assert {c.speech.title for c in response.context["page_obj"]} == {"洛阳市制造业大会讲话"}
    assert {c.kind for c in response.context["page_obj"]} == {"target"}


def test_cities_are_grouped_by_province(client, three_places):
    html = get(client, "/cities/").content.decode()
    assertInHTML(
        f'<li><a class="province" href="/cities/{HENAN}/">河南省 <span class="count">2</span></a>'
        f'<ul class="chips"><li><a href="/cities/{LUOYANG}/">洛阳市 <span class="count">1</span></a></li>'
        f'<li><a href="/cities/{SHANGQIU}/">商丘市 <span class="count">1</span></a></li></ul></li>',
        html,
    )
    assertInHTML(
        f'<li><a class="province" href="/cities/{JIANGSU}/">江苏省 <span class="count">1</span></a></li>', html
    )


def test_city_page_has_its_speeches_including_its_counties_commitments_and_chart(client, archive):
    archive.speech("市里的讲话", city=SHANGQIU, year=2024)
    archive.speech("县里的讲话", city=MINQUAN, year=2025)
    archive.speech("别处的讲话", city=LUOYANG)
    response = get(client, f"/cities/{SHANGQIU}/")
    assert titles(response) == ["县里的讲话", "市里的讲话"]
    assertContains(response, "讲话 2 篇，承诺 6 条。")
    assertContains(response, f'<a href="/commitments/?city={SHANGQIU}">查看全部 6 条承诺</a>', html=True)
    # The amounts come first: the two targets of each speech.
    assert [c.kind for c in response.context["targets"]] == ["target"] * 4
    assert re.search(r'<a href="/topics/economy/">经济发展</a></span>\s*<svg', response.content.decode())
    assertContains(response, f'<li><a href="/cities/{HENAN}/">河南省</a></li>', html=True)


def test_province_page_lists_its_cities(client, three_places):
    response = get(client, f"/cities/{HENAN}/")
    assert titles(response) == ["洛阳市制造业大会讲话", "商丘市招商大会讲话"]
    assertInHTML(f'<a href="/cities/{LUOYANG}/">洛阳市 <span class="count">1</span></a>', response.content.decode())
    assertContains(response, f'href="/commitments/?province={HENAN}"')


def test_topic_pages(client, three_places):
    html = get(client, "/topics/").content.decode()
    assertInHTML(
        '<li><a href="/topics/economy/">经济发展</a> <span class="meta">讲话 3 篇，承诺 4 条</span></li>', html
    )
    assertInHTML('<li><a href="/topics/health/">医疗卫生</a> <span class="meta">讲话 0 篇，承诺 0 条</span></li>', html)
    # In the taxonomy's order, on every database.
    listed = re.findall(r'<li><a href="/topics/([a-z-]+)/">', html)
    assert listed == list(Topic.objects.order_by("position").values_list("slug", flat=True))
    response = get(client, "/topics/industry/")
    assertInHTML("<h1>产业与工业</h1>", response.content.decode())
    # The speeches with most commitments on the topic first; counted the same way as the list.
    assert titles(response) == ["洛阳市制造业大会讲话", "商丘市招商大会讲话", "江苏省政府工作报告"]
    assertContains(response, "讲话 3 篇，承诺 2 条。")
    assert re.search(r'<a href="/years/2025/">2025年</a></span>\s*<svg', response.content.decode())


def test_year_pages(client, three_places):
    html = get(client, "/years/").content.decode()
    assertInHTML('<a href="/years/2025/">2025年 <span class="count">2</span></a>', html)
    response = get(client, "/years/2025/")
    assert titles(response) == ["江苏省政府工作报告", "洛阳市制造业大会讲话"]
    assertInHTML(
        '<a href="/years/2024/" rel="prev"><span aria-hidden="true">← </span>2024年</a>', response.content.decode()
    )
    assertContains(response, '<a href="/commitments/?year=2025">查看全部 3 条承诺</a>', html=True)


@pytest.mark.parametrize("url", ["/speeches/999999/", "/cities/999999/", "/topics/no-such-topic/", "/years/1999/"])
def test_what_is_not_in_the_archive_is_a_real_404_page(client, three_places, url):
    response = get(client, url, status=404)
    assertContains(response, "<h1>页面不存在</h1>", status_code=404, html=True)
    assertContains(response, 'name="q"', status_code=404)


def test_the_500_page_renders_without_a_request_context(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assertContains(response, "<h1>服务器出错</h1>", status_code=500, html=True)


def test_pages_have_title_description_and_open_graph_tags(client, three_places):
    speech = three_places["luoyang"]
    html = get(client, f"/speeches/{speech.pk}/").content.decode()
    assert "<title>洛阳市制造业大会讲话 · 讲话档案</title>" in html
    assert '<meta name="description" content="同志们：' in html
    assert '<meta property="og:title" content="洛阳市制造业大会讲话">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="http://testserver/speeches/{speech.pk}/">' in html
    assert "<title>商丘市 · 讲话档案</title>" in get(client, f"/cities/{SHANGQIU}/").content.decode()
    assert "<title>2025年 · 讲话档案</title>" in get(client, "/years/2025/").content.decode()


def test_pages_have_landmarks_a_skip_link_and_breadcrumbs(client, three_places):
    html = get(client, f"/cities/{SHANGQIU}/").content.decode()
    assert '<a class="skip-link" href="#main">跳到正文</a>' in html
    assert '<main id="main" tabindex="-1">' in html
    assert '<nav class="site-nav" aria-label="主导航">' in html
    assertInHTML(
        '<ol><li><a href="/">首页</a></li><li><a href="/cities/">城市</a></li>'
        f'<li><a href="/cities/{HENAN}/">河南省</a></li><li aria-current="page">商丘市</li></ol>',
        html,
    )


def test_robots_and_sitemap(client, three_places):
    robots = get(client, "/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assertContains(robots, "Sitemap: http://testserver/sitemap.xml")
    assertContains(robots, "Disallow: /admin/")
    sitemap = get(client, "/sitemap.xml").content.decode()
    for speech in three_places.values():
        assert f"<loc>http://testserver/speeches/{speech.pk}/</loc>" in sitemap
    for path in (f"/cities/{SHANGQIU}/", f"/cities/{JIANGSU}/", "/topics/economy/", "/years/2024/", "/commitments/"):
        assert f"<loc>http://testserver{path}</loc>" in sitemap
    assert "/topics/health/" not in sitemap  # a topic without speeches has nothing to show


def test_no_inline_script_style_or_event_handlers(client, three_places):
    """The Content-Security-Policy allows neither; a page that used them would break."""
    speech = three_places["shangqiu"]
    for url in ("/", "/speeches/", f"/speeches/{speech.pk}/", "/commitments/", "/cities/", "/years/2025/"):
        html = get(client, url).content.decode()
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], url
        assert re.findall(r"\sstyle=|<style", html) == [], url
        assert re.findall(r"\son[a-z]+=", html) == [], url


def test_sections_without_text_render_only_their_heading(client, archive):
    speech = archive.speech()
    html = get(client, f"/speeches/{speech.pk}/").content.decode()
    block = html[html.index('id="s2"') :]
    block = block[: block.index("</section>")]
    assert "<p" not in block
    assert Section.objects.filter(speech=speech).count() == 4
