"""The read-only API: every endpoint, its filters and search, pages, and the errors a client can make."""

from urllib.parse import urlencode

import pytest

from speeches.models import Commitment, Speech, Topic
from tests.views.factories import CHANGZHOU, HENAN, JIANGSU, LUOYANG, MINQUAN, PLEDGES, SHANGQIU

pytestmark = pytest.mark.django_db


def get(api, path: str, **params):
    return api.get(f"{path}?{urlencode(params)}" if params else path)


def titles(api, path: str = "/api/speeches/", **params) -> list[str]:
    response = get(api, path, page_size=100, **params)
    assert response.status_code == 200, response.json()
    return [row["title"] for row in response.json()["results"]]


def commitment_ids(api, **params) -> set[int]:
    response = get(api, "/api/commitments/", page_size=100, **params)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


# --- speeches --------------------------------------------------------------------------------


def test_the_root_lists_the_endpoints(api):
    response = api.get("/api/")
    assert response.status_code == 200
    assert set(response.json()) == {"speeches", "commitments", "regions", "topics", "indicators", "ledger"}


def test_speeches_newest_first_with_their_place_topics_and_counts(api, speeches):
    response = api.get("/api/speeches/")
    body = response.json()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["count"] == 5 and body["next"] is None and body["previous"] is None
    assert [row["title"] for row in body["results"]] == ["常州2025", "洛阳2025", "民权2024", "商丘2023", "无年份"]
    luoyang = body["results"][1]
    speech = speeches["luoyang_2025"]
    assert luoyang == {
        "id": speech.pk,
        "title": "洛阳2025",
        "url": f"http://testserver/speeches/{speech.pk}/",
        "city": {"code": LUOYANG, "name": "洛阳市"},
        "county": None,
        "province": {"code": HENAN, "name": "河南省"},
        "year": 2025,
        "delivered_on": None,
        "speaker": "张三",
        "occasion": "全市招商引资工作会议",
        "topics": ["产业与工业", "经济发展"],
        "topic_slugs": ["industry", "economy"],
        "commitment_count": 3,
        "imported_at": luoyang["imported_at"],
    }
    assert body["results"][0]["commitment_count"] == 0
    assert body["results"][4]["city"] is None and body["results"][4]["province"] == {"code": JIANGSU, "name": "江苏省"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"city": SHANGQIU}, ["民权2024", "商丘2023"]),  # a city holds its counties' speeches
        ({"city": MINQUAN}, ["民权2024"]),
        ({"province": HENAN}, ["洛阳2025", "民权2024", "商丘2023"]),
        ({"year": 2025}, ["常州2025", "洛阳2025"]),
        ({"topic": "economy"}, ["洛阳2025", "商丘2023"]),
        ({"year_min": 2024}, ["常州2025", "洛阳2025", "民权2024"]),
        ({"year_min": 2023, "year_max": 2024}, ["民权2024", "商丘2023"]),
        ({"has_commitments": "false"}, ["常州2025"]),
        ({"has_commitments": "true", "province": JIANGSU}, ["无年份"]),
        ({"sort": "oldest"}, ["商丘2023", "民权2024", "洛阳2025", "常州2025", "无年份"]),
        ({"year": 2025, "province": JIANGSU}, ["常州2025"]),
        ({"city": CHANGZHOU, "topic": "economy"}, []),
    ],
)
def test_speech_filters_are_the_sites(api, speeches, params, expected):
    assert titles(api, **params) == expected


def test_speeches_by_title(api, speeches):
    assert titles(api, sort="title") == list(Speech.objects.order_by("title", "pk").values_list("title", flat=True))


def test_speeches_by_most_commitments(api, archive, speeches):
    archive.speech("两倍承诺", city=SHANGQIU, year=2022, pledges=[*PLEDGES, *PLEDGES])
    assert titles(api, sort="commitments")[0] == "两倍承诺"


def test_speech_search_finds_title_and_text_and_filters_it(api, archive, speeches):
    archive.speech("关于乡村振兴的讲话", city=MINQUAN, year=2025, topics=("agriculture",))
    assert titles(api, q="乡村振兴") == ["关于乡村振兴的讲话"]
    # Every speech made by the factory has this phrase in its text; the filters narrow the matches.
    assert set(titles(api, q="招商图谱", city=SHANGQIU)) == {"民权2024", "商丘2023", "关于乡村振兴的讲话"}
    assert titles(api, q="招商图谱", year=2023) == ["商丘2023"]
    assert titles(api, q="没有这句话") == []


def test_speech_search_with_the_filters_that_count_commitments(api, speeches):
    # has_commitments and sort=commitments look at each speech's commitments: beside the
    # full-text search's join, they still give the right speeches in the right order.
    assert titles(api, q="招商引资", has_commitments="false") == ["常州2025"]
    assert titles(api, q="招商引资", sort="commitments")[-1] == "常州2025"


def test_one_speech_with_its_outline_tree_and_commitments(api, speeches):
    speech = speeches["shangqiu_2023"]
    body = api.get(f"/api/speeches/{speech.pk}/").json()
    assert body["title"] == "商丘2023" and body["topics"] == ["经济发展"] and body["commitment_count"] == 3
    outline = [
        (node["marker"], node["heading"], [child["heading"] for child in node["children"]]) for node in body["sections"]
    ]
    assert outline == [("", "", []), ("一、", "明确目标任务", []), ("二、", "强化工作保障", ["压实责任"])]
    assert body["sections"][2]["children"][0]["text"] == "6月底前，市商务局要完成重点产业招商图谱编制。"
    assert body["sections"][2]["children"][0]["level"] == 2
    first, _, last = body["commitments"]
    assert first["targets"] == [
        {"value": 100, "value_max": None, "unit": "个", "qualifier": "以上", "text": "100个以上"}
    ]
    assert first["kind"] == "target" and first["strength"] == "aspirational" and first["topic"] == "economy"
    assert first["section_path"] == ["一、明确目标任务"] and first["section"] == body["sections"][1]["id"]
    assert first["deadline"] is None and first["responsible"] is None
    assert last["deadline"] == {"text": "6月底前", "year": None, "month": None, "day": None}
    assert last["responsible"] == "市商务局"
    assert last["section_path"] == ["二、强化工作保障", "（一）压实责任"]
    assert last["section"] == body["sections"][2]["children"][0]["id"]


def test_filters_choose_list_rows_not_the_one_asked_for_by_id(api, speeches):
    speech = speeches["shangqiu_2023"]
    assert api.get(f"/api/speeches/{speech.pk}/?year=2025").status_code == 200


@pytest.mark.parametrize("speech_id", ["999999", "abc", "1.5", "99999999999999999999999", "-1", "１"])
def test_a_speech_that_is_not_there_is_a_json_404(api, speeches, speech_id):
    response = api.get(f"/api/speeches/{speech_id}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "没有这一条。"}


# --- commitments -----------------------------------------------------------------------------


def test_commitments_with_their_speech_place_and_year(api, speeches):
    response = get(api, "/api/commitments/", city=MINQUAN)
    body = response.json()
    assert body["count"] == 3
    speech = speeches["minquan_2024"]
    first = body["results"][0]
    assert first["speech"] == {"id": speech.pk, "title": "民权2024", "url": f"http://testserver/speeches/{speech.pk}/"}
    assert first["city"] == {"code": MINQUAN, "name": "民权县"}
    assert first["province"] == {"code": HENAN, "name": "河南省"}
    assert first["year"] == 2024
    assert first["url"] == f"http://testserver/speeches/{speech.pk}/#c-{first['id']}"
    assert [row["text"] for row in body["results"]] == [row.text for row in speech.commitments.order_by("position")]


@pytest.mark.parametrize(
    ("params", "speeches_expected", "kinds_expected"),
    [
        ({"kind": "deadline"}, {"商丘2023", "民权2024", "洛阳2025", "无年份"}, {"deadline"}),
        ({"strength": "binding"}, {"商丘2023", "民权2024", "洛阳2025", "无年份"}, {"deadline"}),
        ({"topic": "industry"}, {"商丘2023", "民权2024", "洛阳2025", "无年份"}, {"deadline"}),
        ({"city": SHANGQIU}, {"商丘2023", "民权2024"}, {"target", "deadline"}),
        ({"province": JIANGSU}, {"无年份"}, {"target", "deadline"}),
        ({"year": 2025}, {"洛阳2025"}, {"target", "deadline"}),
        ({"year_min": 2024, "kind": "target"}, {"民权2024", "洛阳2025"}, {"target"}),
    ],
)
def test_commitment_filters_are_the_sites(api, speeches, params, speeches_expected, kinds_expected):
    results = get(api, "/api/commitments/", page_size=100, **params).json()["results"]
    assert {row["speech"]["title"] for row in results} == speeches_expected
    assert {row["kind"] for row in results} == kinds_expected


def test_commitments_newest_speech_first_in_the_order_of_the_text(api, speeches):
    results = get(api, "/api/commitments/", page_size=100).json()["results"]
    assert [row["speech"]["title"] for row in results[::3]] == ["洛阳2025", "民权2024", "商丘2023", "无年份"]
    assert [row["kind"] for row in results[:3]] == ["target", "target", "deadline"]


def test_commitment_search_uses_the_archives_search(api, speeches):
    wanted = set(Commitment.objects.filter(text__contains="外资").values_list("pk", flat=True))
    assert commitment_ids(api, q="外资") == wanted and len(wanted) == 4
    # Traditional characters and full-width digits find the simplified text.
    assert commitment_ids(api, q="外資") == wanted
    assert commitment_ids(api, q="１００个") == set(
        Commitment.objects.filter(text__contains="100个").values_list("pk", flat=True)
    )
    assert commitment_ids(api, q="外资", city=SHANGQIU) == set(
        Commitment.objects.filter(text__contains="外资", speech__city__code__in=[SHANGQIU, MINQUAN]).values_list(
            "pk", flat=True
        )
    )
    assert commitment_ids(api, q="外资 -增长") == set()


def test_one_commitment(api, speeches):
    commitment = Commitment.objects.get(speech=speeches["luoyang_2025"], kind="deadline")
    body = api.get(f"/api/commitments/{commitment.pk}/").json()
    assert body["text"] == commitment.text and body["speech"]["title"] == "洛阳2025"
    assert body["section_path"] == ["二、强化工作保障", "（一）压实责任"]
    assert api.get("/api/commitments/0/").status_code == 404


# --- regions and topics ----------------------------------------------------------------------


def test_regions_count_what_their_code_selects(api, speeches):
    body = get(api, "/api/regions/", has_speeches="true", page_size=100).json()
    counts = {row["code"]: (row["level"], row["speech_count"], row["commitment_count"]) for row in body["results"]}
    assert counts == {
        HENAN: ("province", 3, 9),
        SHANGQIU: ("city", 2, 6),  # its own speech and its county's
        MINQUAN: ("county", 1, 3),
        LUOYANG: ("city", 1, 3),
        JIANGSU: ("province", 2, 3),
        CHANGZHOU: ("city", 1, 0),
    }
    shangqiu = next(row for row in body["results"] if row["code"] == SHANGQIU)
    assert shangqiu == {
        "code": SHANGQIU,
        "name": "商丘市",
        "short_name": shangqiu["short_name"],
        "level": "city",
        "parent": HENAN,
        "speech_count": 2,
        "commitment_count": 6,
    }


def test_regions_by_level_and_parent(api, db):
    provinces = get(api, "/api/regions/", level="province", page_size=100).json()
    assert provinces["count"] == 34 and {row["level"] for row in provinces["results"]} == {"province"}
    cities = get(api, "/api/regions/", parent=HENAN, level="city", page_size=100).json()
    assert {row["name"] for row in cities["results"]} >= {"商丘市", "洛阳市", "郑州市"}
    assert {row["parent"] for row in cities["results"]} == {HENAN}
    assert api.get(f"/api/regions/{SHANGQIU}/").json()["name"] == "商丘市"
    assert api.get("/api/regions/999999/").status_code == 404


def test_topics_with_counts(api, speeches):
    body = get(api, "/api/topics/", page_size=100).json()
    topics = {row["slug"]: row for row in body["results"]}
    assert topics["economy"]["name"] == "经济发展"
    assert topics["economy"]["speech_count"] == 2
    assert topics["industry"]["speech_count"] == 2 and topics["industry"]["commitment_count"] == 4
    assert topics["economy"]["keywords"] == Topic.objects.get(slug="economy").keywords.split()
    assert len(topics["economy"]["keywords"]) > 1
    assert api.get("/api/topics/economy/").json()["slug"] == "economy"
    assert api.get("/api/topics/no-such-topic/").status_code == 404


# --- pages -----------------------------------------------------------------------------------


def test_pages_link_to_each_other(api, archive):
    archive.many(45, city=SHANGQIU)
    first = get(api, "/api/speeches/", page_size=20).json()
    assert first["count"] == 45 and len(first["results"]) == 20 and first["previous"] is None
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 20
    third = api.get(second["next"]).json()
    assert len(third["results"]) == 5 and third["next"] is None
    seen = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert sorted(seen) == sorted(Speech.objects.values_list("pk", flat=True))
    assert api.get(third["previous"]).json() == second


def test_page_size_is_capped(api, archive):
    archive.many(40, city=SHANGQIU)  # 120 commitments
    body = get(api, "/api/commitments/", page_size=1000).json()
    assert body["count"] == 120 and len(body["results"]) == 100
    assert len(get(api, "/api/commitments/").json()["results"]) == 20


def test_a_page_past_the_last_is_a_json_404(api, speeches):
    response = get(api, "/api/speeches/", page=2)
    assert response.status_code == 404 and response.json()["detail"]


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "param"),
    [
        ("/api/speeches/", {"year": "abc"}, "year"),
        ("/api/speeches/", {"year": "1800"}, "year"),
        ("/api/speeches/", {"year_min": "2025.5"}, "year_min"),
        ("/api/speeches/", {"year_max": "1e30"}, "year_max"),
        ("/api/speeches/", {"city": "999999"}, "city"),
        ("/api/speeches/", {"city": "商丘"}, "city"),
        ("/api/speeches/", {"province": SHANGQIU}, "province"),  # a city's code is not a province's
        ("/api/speeches/", {"topic": "no-such-topic"}, "topic"),
        ("/api/speeches/", {"has_commitments": "maybe"}, "has_commitments"),
        ("/api/speeches/", {"sort": "random"}, "sort"),
        ("/api/speeches/", {"q": '""'}, "q"),
        ("/api/speeches/", {"q": "长" * 101}, "q"),
        ("/api/speeches/", {"q": "！？"}, "q"),
        ("/api/speeches/", {"q": "外资\x00"}, "q"),
        ("/api/speeches/", {"city": "411400\x00"}, "city"),
        ("/api/speeches/", {"page": "0"}, "page"),
        ("/api/speeches/", {"page": "abc"}, "page"),
        ("/api/speeches/", {"page": "last"}, "page"),
        ("/api/speeches/", {"page_size": "-5"}, "page_size"),
        ("/api/commitments/", {"kind": "promise"}, "kind"),
        ("/api/commitments/", {"strength": "strong"}, "strength"),
        ("/api/commitments/", {"year": "二〇二五"}, "year"),
        ("/api/commitments/", {"city": "000000"}, "city"),
        ("/api/commitments/", {"q": "-外资"}, "q"),
        ("/api/regions/", {"level": "village"}, "level"),
        ("/api/regions/", {"parent": "999999"}, "parent"),
        ("/api/regions/", {"has_speeches": "yes please"}, "has_speeches"),
    ],
)
def test_a_value_the_api_cannot_use_is_a_400_that_says_why(api, speeches, path, params, param):
    response = get(api, path, **params)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [param]
    assert body[param] and all(isinstance(message, str) and message for message in body[param])


def test_several_bad_values_are_all_named(api, speeches):
    body = get(api, "/api/speeches/", year="abc", city="999999", has_commitments="maybe").json()
    assert set(body) == {"year", "city", "has_commitments"}
    assert "999999" in body["city"][0]


def test_unknown_parameters_are_ignored(api, speeches):
    assert len(titles(api, colour="blue")) == 5


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_only_reads(api, speeches, method):
    speech = speeches["shangqiu_2023"]
    for path in ("/api/speeches/", f"/api/speeches/{speech.pk}/", "/api/commitments/"):
        assert getattr(api, method)(path, {"title": "改"}, format="json").status_code == 405
    assert Speech.objects.get(pk=speech.pk).title == "商丘2023"
