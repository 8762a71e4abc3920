"""A district's report belongs to its district, its city and its province, on the pages and in the API."""

import pytest
from django.urls import reverse

from speeches.importing import ImportOptions, import_file
from speeches.models import Region, Speech
from tests.parsing.test_reports import CITY_REPORT, DISTRICT_REPORT

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    for name, text in (("示例区报告.txt", DISTRICT_REPORT), ("示例市报告.txt", CITY_REPORT)):
        assert import_file(name, text.encode("utf-8"), ImportOptions()).error is None
    return Speech.objects.get(county__name="海拉尔区"), Speech.objects.get(city__name="嘉兴市")


def test_the_district_report_is_stored_with_district_city_province_and_how_its_year_was_found(archive):
    district, _ = archive
    assert (district.county.name, district.city.name, district.province.name) == (
        "海拉尔区",
        "呼伦贝尔市",
        "内蒙古自治区",
    )
    assert (district.year, district.year_source) == (2016, Speech.YearSource.PLAN)


def test_the_district_has_its_own_page_and_its_city_page_lists_it_too(client, archive):
    district, city_report = archive
    county = Region.objects.get(name="海拉尔区")
    page = client.get(reverse("city-detail", args=[county.code])).content.decode()
    assert district.title in page and city_report.title not in page
    page = client.get(reverse("city-detail", args=[county.parent.code])).content.decode()
    assert district.title in page
    speech_page = client.get(district.get_absolute_url()).content.decode()
    assert reverse("city-detail", args=[county.code]) in speech_page


def test_the_api_filters_by_the_district_code_and_names_the_district(client, archive):
    district, _ = archive
    county = Region.objects.get(name="海拉尔区")
    rows = client.get("/api/speeches/", {"city": county.code}).json()["results"]
    assert [row["id"] for row in rows] == [district.pk]
    assert rows[0]["county"] == {"code": county.code, "name": "海拉尔区"}
    rows = client.get("/api/speeches/", {"city": county.parent.code}).json()["results"]
    assert [row["id"] for row in rows] == [district.pk]


def test_commitment_search_in_a_district_finds_its_commitments_only(client, archive):
    county = Region.objects.get(name="海拉尔区")
    rows = client.get("/api/commitments/", {"city": county.code, "q": "保障性住房"}).json()["results"]
    assert rows and all(row["county"]["name"] == "海拉尔区" for row in rows)
    assert not client.get("/api/commitments/", {"city": county.code, "q": "重点项目"}).json()["results"]
