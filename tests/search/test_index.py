"""The full-text index follows every change to the archive at once, in the same transaction."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.urls import reverse

from speeches import importing
from speeches.importing import ImportOptions, import_file
from speeches.models import Commitment, Region, Speech, Target
from speeches.search import search_commitments, search_speeches
from tests.admin_forms import change_form_data
from tests.corpus import SEED

pytestmark = pytest.mark.django_db


def index_rows(table: str) -> int:
    """How many rows the full-text index holds for the table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT count(*) FROM {table}_fts_docsize")
        else:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE search_vector IS NOT NULL")
        return cursor.fetchone()[0]


def index_in_step() -> bool:
    return (
        index_rows("speeches_commitment") == Commitment.objects.count()
        and index_rows("speeches_speech") == Speech.objects.count()
        and commitment_sizes_agree()
        and matches_agree()
    )


def matches_agree() -> bool:
    """On PostgreSQL, the narrow table of the matches holds each commitment's row as it is now: its
    tsvector and filter tokens, its number of tokens, kind, strength and topic, and its speech's year and
    places; and the token counts are those of its rows."""
    if connection.vendor != "postgresql":
        return True
    from speeches.search.postgres_matches import MATCHES, TOKENS

    filter_tokens = (
        "array_remove(ARRAY['#kind' || c.kind, '#strength' || c.strength, '#topic' || c.topic_id,"
        " '#year' || s.year, '#lustrum' || (s.year / 5 * 5), '#decade' || (s.year / 10 * 10),"
        " '#province' || s.province_id, '#city' || s.city_id, '#city' || r.parent_id, '#city' || s.county_id], NULL)"
    )
    now = (
        f"SELECT c.id, c.search_vector, array_to_tsvector({filter_tokens}), length(c.search_vector),"
        " c.kind, c.strength,"
        " c.topic_id, s.year, s.province_id, s.city_id, r.parent_id, s.county_id FROM speeches_commitment c"
        " JOIN speeches_speech s ON s.id = c.speech_id LEFT JOIN speeches_region r ON r.id = s.city_id"
    )
    kept = f"SELECT id, vector, filters, size, kind, strength, topic_id, year, province_id, city_id, city_parent_id, county_id FROM {MATCHES}"
    counted = f"SELECT token, count(*) FROM {MATCHES}, unnest(tsvector_to_array(vector)) AS token GROUP BY token"
    kept_counts = f"SELECT token, matches FROM {TOKENS} WHERE matches <> 0"
    differences = 0
    with connection.cursor() as cursor:
        for left, right in ((now, kept), (kept, now), (counted, kept_counts), (kept_counts, counted)):
            cursor.execute(f"SELECT count(*) FROM (({left}) EXCEPT ({right})) a")
            differences += cursor.fetchone()[0]
    return differences == 0


def varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers, as FTS5 stores a row's column sizes."""
    values, position = [], 0
    while position < len(blob):
        value = 0
        for step in range(9):
            byte = blob[position]
            position += 1
            if step == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        values.append(value)
    return values


def commitment_sizes_agree() -> bool:
    """On SQLite, each commitment's key holds its size as FTS5 counts it, and the totals bm25's
    bounds use are those of the index (see speeches.search.CommitmentIndex)."""
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, sz FROM speeches_commitment_fts_docsize")
        sizes = {key: sum(varints(blob)) for key, blob in cursor.fetchall()}
        cursor.execute("SELECT row_count, token_count FROM speeches_search_totals WHERE name = 'speeches_commitment'")
        totals = cursor.fetchone()
        cursor.execute("SELECT id, key FROM speeches_commitment_fts_keys")
        keys = dict(cursor.fetchall())
    return (
        all(key >> 32 == size for key, size in sizes.items())
        and set(sizes) == set(keys.values())
        and set(keys) == set(Commitment.objects.values_list("pk", flat=True))
        and totals == (len(sizes), sum(sizes.values()))
    )


def found(query: str, **filters) -> list[int]:
    listed = list(search_commitments(query, **filters).values_list("pk", flat=True))
    # The count reads its own index (on PostgreSQL, the narrow table of the matches): it agrees.
    assert search_commitments(query, **filters).count() == len(listed)
    return listed


@pytest.fixture
def speech():
    return Speech.objects.create(title="在全市农业工作会议上的讲话", text="同志们：今天开会。", content_hash="x" * 64)


def test_a_commitment_is_found_as_soon_as_it_is_saved_and_not_after_it_is_deleted(speech):
    commitment = Commitment(
        speech=speech, position=0, text="今年新建高标准农田5万亩", kind="target", strength="planned"
    )
    commitment.save()
    assert found("高标准农田") == [commitment.pk]

    commitment.text = "今年完成抗旱播种10万亩"
    commitment.save()
    assert found("高标准农田") == []
    assert found("抗旱") == [commitment.pk]

    commitment.delete()
    assert found("抗旱") == []
    assert index_in_step()


def test_deleting_many_at_once_or_a_whole_speech_empties_the_index(speech):
    for position, text in enumerate(["推进长沙创新发展", "建设长沙智慧城市", "长沙综合交通枢纽"]):
        Commitment.objects.create(speech=speech, position=position, text=text, kind="action", strength="planned")
    assert len(found("长沙")) == 3
    Commitment.objects.filter(text__contains="城市").delete()
    assert len(found("长沙")) == 2
    speech.delete()
    assert found("长沙") == []
    assert search_speeches("农业工作会议").count() == 0
    assert index_in_step()


def test_a_speech_moved_to_another_year_or_place_moves_its_commitments_in_filtered_search(speech):
    changsha = Region.objects.get(code="430100")
    commitment = Commitment.objects.create(
        speech=speech, position=0, text="今年新建高标准农田5万亩", kind="target", strength="planned"
    )
    assert found("高标准农田", year=2024) == found("高标准农田", city=changsha) == []

    speech.year, speech.city, speech.province = 2024, changsha, changsha.parent
    speech.save()
    assert found("高标准农田", year=2024) == found("高标准农田", city=changsha) == [commitment.pk]
    assert found("高标准农田", province=changsha.parent, kind="target") == [commitment.pk]

    Speech.objects.filter(pk=speech.pk).update(year=2022)  # behind save()'s back: the database follows
    assert found("高标准农田", year=2024) == []
    assert found("高标准农田", year=(2020, 2023)) == [commitment.pk]

    # A city moved under another province: its speeches' commitments are that province's city's.
    hunan, henan = changsha.parent, Region.objects.get(code="410000")
    Region.objects.filter(pk=changsha.pk).update(parent=henan)
    assert index_in_step()
    Region.objects.filter(pk=changsha.pk).update(parent=hunan)

    commitment.kind = "action"
    commitment.save()
    assert found("高标准农田", kind="target") == []
    assert found("高标准农田", kind="action") == [commitment.pk]
    assert index_in_step()


def test_editing_a_speech_title_or_text_shows_in_speech_search(speech):
    assert list(search_speeches("农业工作")) == [speech]
    speech.title = "在全市工业工作会议上的讲话"
    speech.save()
    assert list(search_speeches("农业工作")) == []
    assert list(search_speeches("工业工作")) == [speech]


def test_a_correction_in_the_admin_shows_in_search_at_once(admin_client, speech):
    commitment = Commitment.objects.create(
        speech=speech, position=0, text="全年完成固定资产投资500亿元", kind="target", strength="planned"
    )
    Target.objects.create(commitment=commitment, value=500, unit="亿元", text="500亿元")
    url = reverse("admin:speeches_commitment_change", args=[commitment.pk])
    data = change_form_data(admin_client.get(url))
    data["text"] = "全年完成固定资产投资700亿元"
    data["targets-0-text"] = "700亿元"

    assert admin_client.post(url, data).status_code == 302

    assert found("500亿元") == []
    assert found("700亿元") == [commitment.pk]
    commitment.refresh_from_db()
    assert {"70", "0亿"} <= set(commitment.search_targets.split())  # the amount ranks matches higher


def test_an_import_is_searchable_at_once():
    outcome = import_file(SEED.name, SEED.read_bytes(), ImportOptions())
    assert outcome.error is None
    stored = Commitment.objects.filter(text__contains="固定资产投资")
    assert stored.exists()
    assert set(found("固定资产投资")) == set(stored.values_list("pk", flat=True))
    assert index_in_step()


def test_a_rolled_back_import_leaves_no_index_rows_behind(monkeypatch):
    before = (index_rows("speeches_commitment"), index_rows("speeches_speech"))
    store_commitments = importing.store_commitments

    def store_then_fail(*args):
        store_commitments(*args)  # the rows and their index entries are written ...
        raise DatabaseError("disk full")  # ... and then the file fails

    monkeypatch.setattr(importing, "store_commitments", store_then_fail)
    outcome = import_file(SEED.name, SEED.read_bytes(), ImportOptions())

    assert "保存失败" in outcome.error
    assert Commitment.objects.count() == 0
    assert (index_rows("speeches_commitment"), index_rows("speeches_speech")) == before
    assert found("固定资产投资") == []


def test_rebuild_search_index_recovers_from_changes_made_behind_the_models_back(speech, capsys):
    commitment = Commitment.objects.create(
        speech=speech, position=0, text="今年新建高标准农田5万亩", kind="target", strength="planned"
    )
    # A bulk update skips save(): the indexed form is left as it was ...
    Commitment.objects.filter(pk=commitment.pk).update(text="今年完成抗旱播种10万亩")
    assert found("抗旱") == []
    Commitment.objects.update(search_text="", search_folded="")  # ... or wiped
    Speech.objects.update(search_title="", search_text="", search_folded="")

    call_command("rebuild_search_index")

    assert found("抗旱") == [commitment.pk]
    assert found("高标准农田") == []
    assert list(search_speeches("农业工作会议")) == [speech]
    assert "检索索引已重建" in capsys.readouterr().out
    assert index_in_step()


def test_counting_results_agrees_with_listing_them(speech):
    for position, text in enumerate(["推进长沙创新发展", "长沙发展", "长沙综合交通枢纽", "湘江新区"]):
        Commitment.objects.create(speech=speech, position=position, text=text, kind="action", strength="planned")
    for query in ["长沙", "长沙 发展", "长沙 -发展", "湘", "综合交通枢纽", "长 -沙"]:
        results = search_commitments(query)
        assert results.count() == len(list(results)) == len(found(query)), query
        narrowed = results.filter(position__gt=0)
        assert narrowed.count() == len([c for c in results if c.position > 0]), query
