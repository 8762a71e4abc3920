"""The shared corpus: city reports copied in the ways reports are copied are near duplicates, other
cities' reports of the same year are not, and the passages the texts share stand apart from the
language every report uses."""

import random
import re

import pytest

from speeches.importing import ImportOptions, import_pasted_text, import_paths, outcome_report
from speeches.models import Speech
from speeches.parsing.decoding import decode_text
from speeches.reuse import speech_reuse
from tests.corpus import CITY, SEED

pytestmark = [pytest.mark.django_db, pytest.mark.corpus]


def text_of(path) -> str:
    return decode_text(path.read_bytes(), path.name)


def city_file(name: str):
    return next(path for path in CITY if name in path.name)


def near_duplicates_of(text: str) -> list[dict]:
    outcome = import_pasted_text(text, ImportOptions(dry_run=True))
    return [item for speech in outcome_report([outcome])["files"][0]["speeches"] for item in speech["near_duplicates"]]


def copied(text: str, place: str, rng: random.Random) -> str:
    """A tenth of the paragraphs dropped, the place's name swapped for another's, a third of the numbers changed."""
    paragraphs = [line for line in text.split("\n") if line.strip()]
    dropped = set(rng.sample(range(3, len(paragraphs)), len(paragraphs) // 10))
    kept = "\n".join(line for number, line in enumerate(paragraphs) if number not in dropped)
    counter = iter(range(10**6))
    return re.sub(
        r"[0-9]+", lambda m: str(int(m[0]) + 1) if next(counter) % 3 == 0 else m[0], kept.replace(place, "某市")
    )


def test_copied_city_reports_are_near_duplicates_and_other_cities_are_not():
    stored = {name: city_file(name) for name in ("十堰", "海拉尔区_2015", "崇左")}
    outcomes = list(import_paths(stored.values(), ImportOptions()))
    ids = {name: outcome.speeches[0].speech.pk for name, outcome in zip(stored, outcomes, strict=True)}
    rng = random.Random(14)
    for name, path in stored.items():
        text = text_of(path)
        with_a_line = near_duplicates_of("本报告已经政府常务会议讨论通过，现提请大会审议。\n" + text)
        assert [item["id"] for item in with_a_line] == [ids[name]], name
        assert with_a_line[0]["similarity"] >= 0.9
        place = path.stem.split("_")[1]
        rewritten = near_duplicates_of(copied(text, place, rng))
        assert [item["id"] for item in rewritten] == [ids[name]], name
    # Every other city's 2024 report uses the same policy language, and none is a near duplicate.
    others = [path for path in CITY if "2024" in path.name and path not in stored.values()]
    report = outcome_report(import_paths(others, ImportOptions(dry_run=True)))
    assert len(report["files"]) == len(others) > 25
    assert all(speech["near_duplicates"] == [] for file in report["files"] for speech in file["speeches"])


def test_shared_passages_of_the_corpus_with_common_language_apart(client):
    for outcome in import_paths([SEED, *CITY], ImportOptions()):
        assert outcome.error is None
    qiandongnan = Speech.objects.get(source_name__contains="黔东南")
    qiannan = Speech.objects.get(source_name__contains="黔南")
    found = speech_reuse(qiandongnan, list(qiandongnan.sections.all()))
    # Their openings are the same words (州人民政府, 州政协): a shared passage, linked both ways.
    assert [where.speech.pk for passage in found.shared for where in passage.others] == [qiannan.pk]
    assert "州政协委员" in found.shared[0].text
    # The year's guiding formula stands in most of the 34 reports: common language, shown apart.
    assert any("总体要求" in passage.text and passage.speech_count >= 20 for passage in found.common)
    assert not any("总体要求" in passage.text for passage in found.shared)
    page = client.get(qiandongnan.get_absolute_url()).content.decode()
    assert f'href="/speeches/{qiannan.pk}/#s' in page and "通用表述" in page  # its paragraph by outline position

    # A district's report reuses its own report of two years before: the older one is listed first.
    later = Speech.objects.get(source_name__contains="海拉尔区_2017")
    earlier = Speech.objects.get(source_name__contains="海拉尔区_2015")
    passages = speech_reuse(later, list(later.sections.all())).shared
    assert len(passages) >= 2 and all(passage.others[0].speech.pk == earlier.pk for passage in passages)

    # The seed's six speeches are six different speeches: nothing of one stands in another.
    for speech in Speech.objects.filter(source_name=SEED.name):
        reuse = speech_reuse(speech, list(speech.sections.all()))
        assert reuse.similar == [] and reuse.shared == []
    assert Speech.objects.filter(source_name=SEED.name).count() == 6

    # Across the city reports: paragraphs shared, and more of them recognised as common language.
    shared = common = 0
    for speech in Speech.objects.exclude(source_name=SEED.name):
        reuse = speech_reuse(speech, list(speech.sections.all()))
        shared += len(reuse.shared)
        common += len(reuse.common)
    assert shared >= 6 and common > shared
