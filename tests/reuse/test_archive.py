"""Near duplicates at import, similar speeches and shared passages on the pages and in the API."""

import json
import re

import pytest
from django.core.management import call_command

from speeches.importing import ImportOptions, import_pasted_text, outcome_report
from speeches.models import Section, Speech
from speeches.models.reuse import PassageFingerprint, SignatureBand, SimilarSpeech, SpeechSignature
from speeches.reextracting import reextract

from .texts import OTHER_REPORT, REPORT

pytestmark = pytest.mark.django_db

COPY = "本报告已经市政府常务会议讨论通过，现提请大会审议。\n" + REPORT
# A third report that copies two paragraphs of REPORT word for word and is otherwise its own.
BORROWING = "\n".join([*OTHER_REPORT.split("\n")[:6], *REPORT.split("\n")[4:6], *OTHER_REPORT.split("\n")[6:]])


def report_of(text: str, **options) -> dict:
    [speech] = outcome_report([import_pasted_text(text, ImportOptions(**options))])["files"][0]["speeches"]
    return speech


def test_the_report_lists_near_duplicates_and_nothing_for_a_new_speech(imported):
    first = imported(REPORT)
    assert report_of(OTHER_REPORT, dry_run=True)["near_duplicates"] == []
    dry = report_of(COPY, dry_run=True)
    assert [item["id"] for item in dry["near_duplicates"]] == [first.pk]
    assert dry["near_duplicates"][0]["title"] == first.title
    assert dry["near_duplicates"][0]["similarity"] >= 0.9
    assert Speech.objects.count() == 1  # a dry run writes nothing
    # Imported all the same (staff choose in the admin): both speeches, linked as alike.
    stored = report_of(COPY)
    assert stored["id"] and stored["near_duplicates"][0]["id"] == first.pk
    assert SimilarSpeech.objects.filter(speech=first, other_id=stored["id"]).exists()


def test_an_exact_copy_stays_a_duplicate_with_no_near_duplicates_listed(imported):
    imported(REPORT)
    speech = report_of(REPORT.replace("\n", "\n\n"))
    assert speech["duplicate"] is True and speech["near_duplicates"] == []


def test_the_command_counts_near_duplicates(imported, tmp_path, capsys):
    imported(REPORT)
    (tmp_path / "copy.txt").write_text(COPY, encoding="utf-8")
    (tmp_path / "other.txt").write_text(OTHER_REPORT, encoding="utf-8")
    call_command("import_speeches", str(tmp_path), "--dry-run")
    assert "2 files: would import 2 speeches, 0 duplicates, 0 failed, 1 near duplicates" in capsys.readouterr().out
    call_command("import_speeches", str(tmp_path / "copy.txt"), "--dry-run", "--json")
    [speech] = json.loads(capsys.readouterr().out)["files"][0]["speeches"]
    assert speech["near_duplicates"][0]["similarity"] >= 0.9


def test_import_writes_the_signature_bands_and_fingerprints(imported):
    speech = imported(REPORT)
    assert SpeechSignature.objects.filter(speech=speech).exists()
    assert SignatureBand.objects.filter(speech=speech).count() == 42
    prints = PassageFingerprint.objects.filter(speech=speech)
    assert prints.count() > 20
    sections = {section.pk for section in speech.sections.all()}
    assert set(prints.values_list("section", flat=True)) <= sections


def test_a_failed_import_leaves_no_reuse_rows(imported, monkeypatch):
    from django.db import DatabaseError

    from speeches import importing

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(importing, "store_commitments", broken)
    outcome = import_pasted_text(REPORT, ImportOptions())
    assert outcome.error and Speech.objects.count() == 0
    assert not SpeechSignature.objects.exists() and not PassageFingerprint.objects.exists()


def anchors_of(html: str) -> set[str]:
    return set(re.findall(r'<p id="(s[\d.]+-p\d+)"', html))


def test_a_borrowed_paragraph_is_marked_and_linked_to_where_it_stands_first(imported, client):
    source = imported(REPORT)
    borrower = imported(BORROWING)
    page = client.get(borrower.get_absolute_url()).content.decode()
    assert page.count('class="shared-passage"') == 2
    assert "另见 1 篇" in page
    links = re.findall(rf'href="/speeches/{source.pk}/#(s[\d.]+-p\d+)"', page)
    assert len(links) == 2
    source_page = client.get(source.get_absolute_url()).content.decode()
    assert set(links) <= anchors_of(source_page)  # each link lands on the very paragraph
    assert source_page.count('class="shared-passage"') == 2  # and the source marks them too


def test_the_api_gives_similar_speeches_and_shared_passages(imported, client):
    source = imported(REPORT)
    copy = imported(COPY)
    borrower = imported(BORROWING)
    body = client.get(f"/api/speeches/{borrower.pk}/").json()
    assert body["similar"] == []
    passages = body["shared_passages"]
    assert len(passages) == 2
    for passage in passages:
        assert set(passage) == {"anchor", "text", "others"}
        assert passage["anchor"] in anchors_of(client.get(borrower.get_absolute_url()).content.decode())
        assert {other["speech_id"] for other in passage["others"]} == {source.pk, copy.pk}
        assert all(set(other) == {"speech_id", "anchor", "year"} for other in passage["others"])
    alike = client.get(f"/api/speeches/{source.pk}/").json()["similar"]
    assert [(item["id"], item["title"]) for item in alike] == [(copy.pk, copy.title)]
    assert 0.9 <= alike[0]["similarity"] <= 1


def test_similar_speeches_are_listed_earliest_first_with_what_they_share(imported, client):
    later = imported("2024年\n" + REPORT, year=2024)
    earlier = imported(COPY, year=2020)
    page = client.get(later.get_absolute_url()).content.decode()
    assert "相似的讲话" in page and earlier.title in page
    assert re.search(r"相似度 (9\d|100)%", page)
    assert re.search(r"共有 \d+ 段相同文字", page)
    others = client.get(f"/api/speeches/{later.pk}/").json()["shared_passages"][0]["others"]
    assert others[0] == {"speech_id": earlier.pk, "anchor": others[0]["anchor"], "year": 2020}


def test_a_distinct_speech_shows_no_reuse(imported, client):
    imported(REPORT)
    other = imported(OTHER_REPORT)
    page = client.get(other.get_absolute_url()).content.decode()
    assert 'id="reuse"' not in page and "shared-passage" not in page


def test_deleting_a_speech_takes_its_rows_and_links(imported, client):
    source = imported(REPORT)
    borrower = imported(BORROWING)
    copy = imported(COPY)
    source.delete()
    assert not PassageFingerprint.objects.filter(speech_id=source.pk).exists()
    assert not SimilarSpeech.objects.filter(other_id=source.pk).exists()
    assert not SignatureBand.objects.filter(speech_id=source.pk).exists()
    body = client.get(f"/api/speeches/{borrower.pk}/").json()
    assert {other["speech_id"] for passage in body["shared_passages"] for other in passage["others"]} == {copy.pk}


def test_a_corrected_section_is_fingerprinted_again(imported, client):
    source = imported(REPORT)
    borrower = imported(BORROWING)
    section = next(s for s in borrower.sections.all() if "老旧小区改造" in s.text)
    section.text = section.text.replace("我们在城东片区完成老旧小区改造63个，加装电梯210部，", "")
    section.text = section.text.replace("全年新增城镇就业2.6万人，发放创业担保贷款4.1亿元，", "")
    section.save()
    body = client.get(f"/api/speeches/{borrower.pk}/").json()
    assert len(body["shared_passages"]) < 2
    assert all(other["speech_id"] == source.pk for p in body["shared_passages"] for other in p["others"])


def test_reextract_and_the_rebuild_command_bring_old_speeches_in(imported, capsys):
    first = imported(REPORT)
    second = imported(COPY)
    for model in (SimilarSpeech, SignatureBand, SpeechSignature, PassageFingerprint):
        model.objects.all().delete()  # as an archive imported before text reuse was kept
    reextract(Speech.objects.get(pk=first.pk))
    assert SpeechSignature.objects.filter(speech=first).exists()
    call_command("rebuild_reuse_index")
    assert "2 speeches: 2 signatures, 1 pairs alike" in capsys.readouterr().out
    assert SimilarSpeech.objects.filter(speech=first, other=second).exists()
    assert SimilarSpeech.objects.filter(speech=second, other=first).exists()


def test_the_reuse_pages(imported, client):
    source = imported(REPORT, city=None)
    copy = imported(COPY)
    page = client.get("/reuse/").content.decode()
    assert "1 组" in page and source.title in page and copy.title in page
    for url in ("/reuse/?page=abc&x=%00", "/reuse/410000/", "/reuse/411400/?q=%ff"):
        assert client.get(url).status_code == 200, url
    assert client.get("/reuse/999999/").status_code == 404


def test_a_place_page_says_whose_text_it_reuses(imported, client):
    from speeches.models import Region

    shangqiu = Region.objects.get(code="411400")
    luoyang = Region.objects.get(code="410300")
    imported(REPORT, city=luoyang, year=2020)
    imported(BORROWING, city=shangqiu, year=2023)
    page = client.get("/reuse/411400/").content.decode()
    reuses = page.split('id="reuses-title"')[1].split("</section>")[0]
    assert "洛阳市" in reuses and "2 段" in reuses
    page = client.get("/reuse/410300/").content.decode()
    reused = page.split('id="reused-by-title"')[1].split("</section>")[0]
    assert "商丘市" in reused


def test_section_rows_deleted_by_a_replacement_leave_no_fingerprints(imported):
    speech = imported(REPORT)
    Section.objects.filter(speech=speech).delete()
    speech.delete()
    assert not PassageFingerprint.objects.exists()
