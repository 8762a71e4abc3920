"""The admin pages staff use to look through and correct the archive."""

from decimal import Decimal

import pytest
from django.urls import reverse

from speeches.models import Commitment, Region, Section, Speech, Target, Topic
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def industry():
    return Topic.objects.get_or_create(slug="industry", defaults={"name": "产业与工业"})[0]


@pytest.fixture
def luoyang_speech(industry):
    speech = Speech.objects.create(
        title="在全市先进制造业推进会上的讲话",
        city=Region.objects.get(code="410300"),
        province=Region.objects.get(code="410000"),
        year=2025,
        speaker="市长",
        primary_topic=industry,
        original_text="同志们：全年实施亿元以上工业项目200个以上。",
        text="同志们：全年实施亿元以上工业项目200个以上。",
        content_hash="a" * 64,
    )
    speech.topics.add(industry)
    section = Section.objects.create(speech=speech, position=0, level=1, marker="一、", heading="抓好重点项目建设")
    commitment = Commitment.objects.create(
        speech=speech,
        section=section,
        position=0,
        text="全年实施亿元以上工业项目200个以上",
        kind=Commitment.Kind.TARGET,
        strength=Commitment.Strength.PLANNED,
        responsible="市发展改革委",
    )
    Target.objects.create(commitment=commitment, value=Decimal(200), unit="个", qualifier="以上", text="200个以上")
    return speech


@pytest.fixture
def changzhou_speech():
    speech = Speech.objects.create(
        title="在全市新能源产业推进会上的讲话",
        city=Region.objects.get(code="320400"),
        province=Region.objects.get(code="320000"),
        year=2024,
        original_text="同志们：6月底前新开工项目30个以上。",
        text="同志们：6月底前新开工项目30个以上。",
        content_hash="b" * 64,
    )
    Commitment.objects.create(
        speech=speech,
        position=0,
        text="6月底前新开工新能源项目30个以上",
        kind=Commitment.Kind.DEADLINE,
        strength=Commitment.Strength.BINDING,
        deadline_text="6月底前",
        deadline_year=2024,
        deadline_month=6,
    )
    return speech


def changelist(client, model: str, **params):
    return client.get(reverse(f"admin:speeches_{model}_changelist"), params)


def listed_titles(response) -> list[str]:
    return [speech.title for speech in response.context["cl"].result_list]


@pytest.mark.parametrize("model", ["region", "topic", "speech", "section", "commitment", "target"])
def test_every_model_has_a_changelist_and_change_page(admin_client, luoyang_speech, model):
    obj = {
        "region": luoyang_speech.city,
        "topic": luoyang_speech.primary_topic,
        "speech": luoyang_speech,
        "section": luoyang_speech.sections.get(),
        "commitment": luoyang_speech.commitments.get(),
        "target": Target.objects.get(commitment__speech=luoyang_speech),
    }[model]

    listing = changelist(admin_client, model)
    change = admin_client.get(reverse(f"admin:speeches_{model}_change", args=[obj.pk]))

    assert listing.status_code == 200
    assert obj in listing.context["cl"].result_list or model == "region"  # regions run to 3,400, over many pages
    assert change.status_code == 200
    assert change.context["original"] == obj


def test_speech_search_matches_title_and_place(admin_client, luoyang_speech, changzhou_speech):
    assert listed_titles(changelist(admin_client, "speech", q="制造业")) == [luoyang_speech.title]
    assert listed_titles(changelist(admin_client, "speech", q="常州")) == [changzhou_speech.title]


def test_speech_filters_by_year_and_province(admin_client, luoyang_speech, changzhou_speech):
    assert listed_titles(changelist(admin_client, "speech", year=2024)) == [changzhou_speech.title]
    by_province = changelist(admin_client, "speech", province__id__exact=luoyang_speech.province_id)
    assert listed_titles(by_province) == [luoyang_speech.title]


def test_speech_province_filter_offers_only_provinces_with_speeches(admin_client, luoyang_speech, changzhou_speech):
    page = changelist(admin_client, "speech").content.decode()
    assert "江苏省" in page
    assert "河南省" in page
    assert "浙江省" not in page


def test_speech_list_shows_commitment_count(admin_client, luoyang_speech, changzhou_speech):
    speeches = {speech.title: speech for speech in changelist(admin_client, "speech").context["cl"].result_list}
    assert speeches[luoyang_speech.title].commitment_count == 1


def test_region_search_and_level_filter(admin_client):
    found = changelist(admin_client, "region", q="洛阳").context["cl"].result_list
    provinces = changelist(admin_client, "region", level=Region.Level.PROVINCE).context["cl"]

    assert [region.name for region in found] == ["洛阳市"]
    assert provinces.result_count == 34
    assert {region.level for region in provinces.result_list} == {Region.Level.PROVINCE}


def test_city_search_on_a_speech_offers_cities_only(admin_client):
    def search(term, model_name, field_name):
        params = {"term": term, "app_label": "speeches", "model_name": model_name, "field_name": field_name}
        response = admin_client.get(reverse("admin:autocomplete"), params)
        assert response.status_code == 200
        return [item["text"] for item in response.json()["results"]]

    assert search("洛阳", "speech", "city") == ["洛阳市"]
    assert search("鼓楼", "speech", "city") == []  # only districts are called 鼓楼
    assert "鼓楼区" in search("鼓楼", "region", "parent")
    assert search("江苏", "speech", "province") == ["江苏省"]


def test_commitment_search_and_filters(admin_client, luoyang_speech, changzhou_speech):
    def texts(**params):
        return [c.text for c in changelist(admin_client, "commitment", **params).context["cl"].result_list]

    assert texts(q="发展改革委") == ["全年实施亿元以上工业项目200个以上"]
    assert texts(kind="deadline") == ["6月底前新开工新能源项目30个以上"]
    assert texts(speech__year=2025) == ["全年实施亿元以上工业项目200个以上"]


def test_speech_page_links_to_its_commitments(admin_client, luoyang_speech, changzhou_speech):
    page = admin_client.get(reverse("admin:speeches_speech_change", args=[luoyang_speech.pk])).content.decode()
    link = f"{reverse('admin:speeches_commitment_changelist')}?speech__id__exact={luoyang_speech.pk}"
    assert link in page
    assert "抓好重点项目建设" in page  # the outline

    listed = admin_client.get(link).context["cl"].result_list
    assert [commitment.speech for commitment in listed] == [luoyang_speech]


def test_correcting_a_speech_records_the_corrected_fields(admin_client, luoyang_speech):
    url = reverse("admin:speeches_speech_change", args=[luoyang_speech.pk])
    data = change_form_data(admin_client.get(url))
    data.update(city=Region.objects.get(code="411000").pk)  # 许昌市, same province

    response = admin_client.post(url, data)

    assert response.status_code == 302
    luoyang_speech.refresh_from_db()
    assert luoyang_speech.city.name == "许昌市"
    assert luoyang_speech.edited_fields == ["city"]

    data = change_form_data(admin_client.get(url))
    data.update(title="在全市制造业高质量发展推进会上的讲话", city=Region.objects.get(code="410300").pk)
    admin_client.post(url, data)

    luoyang_speech.refresh_from_db()
    assert luoyang_speech.edited_fields == ["city", "title"]


def test_correcting_speech_topics_is_recorded(admin_client, luoyang_speech):
    url = reverse("admin:speeches_speech_change", args=[luoyang_speech.pk])
    data = change_form_data(admin_client.get(url))
    data["topics"] = [Topic.objects.get_or_create(slug="agriculture", defaults={"name": "农业农村"})[0].pk]

    admin_client.post(url, data)

    luoyang_speech.refresh_from_db()
    assert luoyang_speech.edited_fields == ["topics"]
    assert [topic.slug for topic in luoyang_speech.topics.all()] == ["agriculture"]


def test_saving_a_speech_unchanged_records_no_correction(admin_client, luoyang_speech):
    url = reverse("admin:speeches_speech_change", args=[luoyang_speech.pk])

    response = admin_client.post(url, change_form_data(admin_client.get(url)))

    assert response.status_code == 302
    luoyang_speech.refresh_from_db()
    assert luoyang_speech.edited_fields == []


def test_edited_filter_finds_corrected_speeches(admin_client, luoyang_speech, changzhou_speech):
    Speech.objects.filter(pk=changzhou_speech.pk).update(edited_fields=["year"])

    assert listed_titles(changelist(admin_client, "speech", edited="yes")) == [changzhou_speech.title]
    assert listed_titles(changelist(admin_client, "speech", edited="no")) == [luoyang_speech.title]


def test_correcting_a_commitment_marks_it_edited(admin_client, luoyang_speech):
    commitment = luoyang_speech.commitments.get()
    url = reverse("admin:speeches_commitment_change", args=[commitment.pk])
    data = change_form_data(admin_client.get(url))
    data["responsible"] = "市工业和信息化局"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.responsible == "市工业和信息化局"
    assert commitment.edited is True


def test_correcting_a_target_inline_marks_the_commitment_edited(admin_client, luoyang_speech):
    commitment = luoyang_speech.commitments.get()
    url = reverse("admin:speeches_commitment_change", args=[commitment.pk])
    data = change_form_data(admin_client.get(url))
    data["targets-0-value"] = "250"

    admin_client.post(url, data)

    commitment.refresh_from_db()
    assert commitment.targets.get().value == 250
    assert commitment.edited is True


def test_saving_a_commitment_unchanged_leaves_it_to_extraction(admin_client, luoyang_speech):
    commitment = luoyang_speech.commitments.get()
    url = reverse("admin:speeches_commitment_change", args=[commitment.pk])

    response = admin_client.post(url, change_form_data(admin_client.get(url)))

    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.edited is False


def test_commitment_section_choices_are_the_speechs_own(admin_client, luoyang_speech, changzhou_speech):
    Section.objects.create(speech=changzhou_speech, position=0, level=1, marker="一、", heading="别处的章节")
    commitment = luoyang_speech.commitments.get()

    form = admin_client.get(reverse("admin:speeches_commitment_change", args=[commitment.pk])).context["adminform"]

    assert list(form.form.fields["section"].queryset) == list(luoyang_speech.sections.all())


def test_correcting_a_target_on_its_own_page_marks_the_commitment_edited(admin_client, luoyang_speech):
    target = Target.objects.get(commitment__speech=luoyang_speech)
    url = reverse("admin:speeches_target_change", args=[target.pk])
    data = change_form_data(admin_client.get(url))
    data["qualifier"] = "左右"

    admin_client.post(url, data)

    assert Commitment.objects.get(pk=target.commitment_id).edited is True


def test_adding_a_speech_leads_to_the_import_page(admin_client):
    response = admin_client.get(reverse("admin:speeches_speech_add"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:speeches_speech_import")
