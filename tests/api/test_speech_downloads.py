"""A speech downloaded as plain text or Markdown carries its commitments; CSV columns of codes have
their names beside them."""

import csv
import io

import pytest

from speeches.exports import COMMITMENT_COLUMNS
from speeches.models import Commitment
from tests.views.factories import SHANGQIU

pytestmark = pytest.mark.django_db


def test_plain_text_ends_with_the_commitments_and_their_particulars(client, archive):
    speech = archive.speech("招商讲话", city=SHANGQIU, year=2025)
    text = client.get(f"/speeches/{speech.pk}.txt").content.decode()
    body, listed = text.split("\n\n承诺（3 条）\n\n")
    assert body.endswith(speech.text + "\n")
    target = speech.commitments.get(text__startswith="全年力争")
    deadline = speech.commitments.get(kind=Commitment.Kind.DEADLINE)
    assert listed.split("\n\n")[0] == (
        "1. 全年力争引进亿元以上项目100个以上\n"
        "   类型：目标\n"
        "   约束程度：争取性\n"
        "   数量：100个以上\n"
        "   章节：一、明确目标任务\n"
        f"   网址：http://testserver/speeches/{speech.pk}/#c-{target.pk}"
    )
    assert listed.split("\n\n")[2] == (
        "3. 6月底前，市商务局要完成重点产业招商图谱编制\n"
        "   类型：时限\n"
        "   约束程度：约束性\n"
        "   时限：6月底前\n"
        "   责任：市商务局\n"
        "   章节：二、强化工作保障 › （一）压实责任\n"
        f"   网址：http://testserver/speeches/{speech.pk}/#c-{deadline.pk}\n"
    )


def test_markdown_ends_with_the_commitments_as_a_list(client, archive):
    speech = archive.speech("招商讲话", city=SHANGQIU, year=2025)
    blocks = client.get(f"/speeches/{speech.pk}.md").content.decode().split("\n\n")
    assert blocks[-2] == "## 承诺（3 条）"
    items = blocks[-1].rstrip("\n").split("\n")
    assert items[:6] == [
        "1. 全年力争引进亿元以上项目100个以上",
        "    - 类型：目标",
        "    - 约束程度：争取性",
        "    - 数量：100个以上",
        "    - 章节：一、明确目标任务",
        f"    - 网址：<http://testserver/speeches/{speech.pk}/#c-{speech.commitments.first().pk}>",
    ]
    assert "    - 时限：6月底前" in items and "    - 责任：市商务局" in items


def test_a_speech_without_commitments_lists_none(client, archive):
    speech = archive.speech("无承诺", pledges=[])
    assert "承诺（" not in client.get(f"/speeches/{speech.pk}.txt").content.decode()
    assert "## 承诺" not in client.get(f"/speeches/{speech.pk}.md").content.decode()


def test_commitment_csv_names_beside_the_codes(client, archive):
    archive.speech("招商讲话", city=SHANGQIU, year=2025)
    body = b"".join(client.get("/commitments/export.csv").streaming_content).decode("utf-8-sig")
    reader = csv.reader(io.StringIO(body, newline=""))
    header = next(reader)
    assert header == COMMITMENT_COLUMNS
    # Each name stands right after its code; the English columns are still there for tools.
    for code, name in (("kind", "类型"), ("strength", "约束程度"), ("topic", "主题")):
        assert header.index(name) == header.index(code) + 1
    rows = [dict(zip(header, row, strict=True)) for row in reader]
    pairs = {(row["kind"], row["类型"], row["strength"], row["约束程度"]) for row in rows}
    assert pairs == {
        ("target", "目标", "aspirational", "争取性"),
        ("target", "目标", "planned", "计划性"),
        ("deadline", "时限", "binding", "约束性"),
    }
    assert {(row["topic"], row["主题"]) for row in rows} >= {("economy", "经济发展"), ("industry", "产业与工业")}
