"""The import preview lists what the import will write: for each speech its place and year and how
they were found, speaker and date, outline, and every commitment with its kind, strength and amounts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from speeches.models import Region, Speech

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/speeches/speech/import/"

SPEECH = """在全市招商引资工作会议上的讲话
市长 张明
2024年3月5日

同志们：

一、明确目标任务

全年力争引进亿元以上项目100个以上，实际利用外资增长5%—8%。

二、强化工作举措

（一）优化营商环境

要深化“放管服”改革，2024年底前实现企业开办全程网上办理。
"""


@pytest.fixture(autouse=True)
def preview_dir(settings, tmp_path):
    settings.SPEECHES_PREVIEW_DIR = tmp_path / "previews"


def preview(client, **data):
    files = data.pop("files", [])
    response = client.post(IMPORT_URL, {"files": files, **data})
    assert response.status_code == 200
    return response


def test_the_preview_shows_speaker_date_place_and_year_with_how_each_was_found(importer_client):
    page = preview(importer_client, text=SPEECH).content.decode()
    assert "张明" in page
    assert "2024-03-05" in page
    assert "2024" in page and "依据：讲话日期" in page
    assert Speech.objects.count() == 0  # nothing written before confirming


def test_a_place_chosen_on_the_form_is_shown_as_chosen(importer_client):
    xuchang = Region.objects.get(code="411000")
    response = preview(importer_client, text=SPEECH, city=xuchang.pk, year=2023)
    page = response.content.decode()
    assert "许昌市" in page and "河南省" in page and "导入时填写" in page
    assert "依据：人工填写" in page


def test_the_preview_lists_the_outline_and_each_commitment_with_kind_strength_and_amounts(importer_client):
    response = preview(importer_client, files=[SimpleUploadedFile("investment.txt", SPEECH.encode())])
    page = response.content.decode()
    assert "一、明确目标任务" in page and "（一）优化营商环境" in page
    shown = response.context["files"][0]["speeches"][0]
    commitments = shown["commitments"]
    assert commitments and shown["commitment_count"] == len(commitments)
    target = next(item for item in commitments if "100个" in item["text"])
    assert target["kind_label"] == "目标" and "100个以上" in target["amounts"]
    assert f"{target['kind_label']}</td>" in page and target["strength_label"] in page
    assert "100个以上" in page
    # Counted by kind in the speech's summary, the kinds adding up to the total.
    assert sum(count for _, count in shown["kind_counts"]) == len(commitments)
    deadline = next(item for item in commitments if "网上办理" in item["text"])
    assert "2024年底前" in deadline["deadline"] and "2024年底前" in page


def test_an_unreadable_year_and_place_are_said_to_be_unrecognised(importer_client):
    page = preview(importer_client, text="关于一项工作的讲话\n\n要抓好落实。\n").content.decode()
    assert "未识别" in page
