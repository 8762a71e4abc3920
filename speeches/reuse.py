"""Text reuse in the archive: near duplicates at import, similar speeches and shared passages.

How texts are compared is speeches/parsing/reuse.py (plain data); this module keeps the rows of
speeches/models/reuse.py in step with the speeches and reads them for the pages and the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Subquery

from .anchors import Outline, outlines
from .models import Region, Section, Speech
from .models.reuse import PassageFingerprint, SignatureBand, SimilarSpeech, SpeechSignature
from .parsing import ParsedSpeech, walk_sections
from .parsing import reuse as compare
from .parsing.reuse import Signature
from .search import fold

# --- signatures -------------------------------------------------------------------------------------


def folded_parts(parts: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each part's heading and body folded once: the signature and the fingerprints both read them."""
    return [(fold(label), fold(text)) for label, text in parts]


def signature_of(parts: list[tuple[str, str]]) -> Signature | None:
    """What a signature reads: every part's heading and body (folded), the title left out (titles
    are often made by the archive)."""
    return compare.signature("\n".join(f"{label}\n{text}" for label, text in parts))


def stored_parts(sections: Iterable[Section]) -> list[tuple[str, str]]:
    return folded_parts((f"{s.marker}{s.heading}".strip(), s.text) for s in sections)


@dataclass(frozen=True)
class Alike:
    speech_id: int
    similarity: float


def alike_speeches(signature: Signature, *, exclude: int | None = None, at_least: float = compare.SIMILAR):
    """Stored speeches at least `at_least` similar, most similar first: the speeches sharing a band
    key with it (an indexed look-up), each compared by its signature."""
    candidates = set(
        SignatureBand.objects.filter(key__in=compare.band_keys(signature)).values_list("speech_id", flat=True)
    )
    candidates.discard(exclude)
    if not candidates:
        return []
    found = []
    for speech_id, hashvalues, shingles in SpeechSignature.objects.filter(speech__in=candidates).values_list(
        "speech_id", "hashvalues", "shingles"
    ):
        similarity = compare.similarity(signature, Signature(bytes(hashvalues), shingles))
        if similarity >= at_least:
            found.append(Alike(speech_id, similarity))
    return sorted(found, key=lambda alike: (-alike.similarity, alike.speech_id))


def near_duplicates(alike: list[Alike]) -> list[dict]:
    """Those of the speeches alike that the new one is a near duplicate of, as the import report lists them."""
    alike = [item for item in alike if item.similarity >= compare.NEAR_DUPLICATE]
    if not alike:
        return []
    titles = dict(Speech.objects.filter(pk__in=[item.speech_id for item in alike]).values_list("pk", "title"))
    return [
        {"id": item.speech_id, "title": titles[item.speech_id], "similarity": item.similarity}
        for item in alike
        if item.speech_id in titles
    ]


# --- keeping the rows current -------------------------------------------------------------------------


def _insert(model, names: list[str], rows: list[tuple]) -> None:
    """Plain INSERTs in one executemany: a speech has a thousand fingerprints, and building a model
    instance for each would cost more than the database's own work."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})", rows)


def forget_speech(speech_id: int) -> None:
    SpeechSignature.objects.filter(speech_id=speech_id).delete()
    SignatureBand.objects.filter(speech_id=speech_id).delete()
    SimilarSpeech.objects.filter(speech_id=speech_id).delete()
    SimilarSpeech.objects.filter(other_id=speech_id).delete()
    PassageFingerprint.objects.filter(speech_id=speech_id).delete()


def index_speech(
    speech: Speech,
    sections: list[Section] | None = None,
    *,
    parts: list[tuple[str, str]] | None = None,
    signature: Signature | None = None,
    alike: list[Alike] | None = None,
    new: bool = False,
) -> list[Alike]:
    """Write the speech's signature, band keys, fingerprints and links to the speeches alike (both
    ways), in place of any it had (`new`: it has none yet). An import gives what it computed already:
    the folded `parts` (in the sections' order), their `signature` and the speeches `alike`.
    Returns the speeches alike."""
    if sections is None:
        sections = list(
            Section.objects.filter(speech=speech).order_by("position").only("pk", "marker", "heading", "text")
        )
    if not new:
        forget_speech(speech.pk)
    if parts is None or len(parts) != len(sections):
        parts, signature, alike = stored_parts(sections), None, None
    if signature is None:
        signature = signature_of(parts)
    if signature is not None:
        if alike is None:
            alike = alike_speeches(signature, exclude=speech.pk)
        alike = [item for item in alike if item.speech_id != speech.pk]
        SpeechSignature.objects.create(speech=speech, hashvalues=signature.hashvalues, shingles=signature.shingles)
        _insert(SignatureBand, ["speech", "key"], [(speech.pk, key) for key in compare.band_keys(signature)])
        _insert(
            SimilarSpeech,
            ["speech", "other", "similarity"],
            [
                row
                for item in alike
                for row in ((speech.pk, item.speech_id, item.similarity), (item.speech_id, speech.pk, item.similarity))
            ],
        )
    _insert(
        PassageFingerprint,
        ["speech", "section", "paragraph", "value", "length"],
        [
            (speech.pk, section.pk, print_.paragraph, print_.value, print_.length)
            for section, (_, text) in zip(sections, parts, strict=True)
            for print_ in compare.section_fingerprints(text)
        ],
    )
    return alike or []


def rebuild_reuse_index(progress: Callable[[Iterable], Iterable] = iter) -> dict[str, int]:
    """Every speech's rows afresh, oldest speech first (each one compared with those before it)."""
    for model in (SimilarSpeech, SignatureBand, SpeechSignature, PassageFingerprint):
        model.objects.all().delete()
    speeches = Speech.objects.order_by("pk").only("pk")
    for speech in progress(speeches.iterator(chunk_size=500)):
        index_speech(speech)
    return {
        "speeches": Speech.objects.count(),
        "signatures": SpeechSignature.objects.count(),
        "similar_pairs": SimilarSpeech.objects.count() // 2,
        "fingerprints": PassageFingerprint.objects.count(),
    }


# --- reading: shared passages -------------------------------------------------------------------------


def anchor(section_id: int, paragraph: int) -> str:
    """The id the speech page gives a paragraph (speech_text.py)."""
    return f"p-{section_id}-{paragraph}"


@dataclass
class Elsewhere:
    speech: Speech
    anchor: str  # p-<section id>-<line>, as the fingerprints name the paragraph
    cite: str = ""  # the same paragraph's stable anchor on that speech's page (s2.3-p4)

    @property
    def url(self) -> str:
        return f"{self.speech.get_absolute_url()}#{self.anchor}"


@dataclass
class Passage:
    anchor: str  # p-<section id>-<line>, as the fingerprints name the paragraph
    text: str
    others: list[Elsewhere] = field(default_factory=list)  # oldest first: the likely source first
    common: bool = False
    speech_count: int = 0  # common language: in how many speeches its clauses stand
    cite: str = ""  # its stable anchor on the page (s2.3-p4), what the API gives


def _chunks(values: list, size: int = 2000) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _places(values: Iterable[int]) -> dict[int, list[compare.Place]]:
    where: dict[int, list[compare.Place]] = {}
    for chunk in _chunks(sorted(values)):
        rows = PassageFingerprint.objects.filter(value__in=chunk)
        for value, speech_id, section_id, paragraph in rows.values_list("value", "speech", "section", "paragraph"):
            where.setdefault(value, []).append(compare.Place(speech_id, section_id, paragraph))
    return where


def common_limit() -> int:
    return compare.common_limit(Speech.objects.count())


def _found_passages(speech_ids: list[int]) -> dict[int, list[compare.SharedPassage]]:
    """For each of these speeches, its paragraphs that stand in other speeches (these included).

    Two queries: the speeches' fingerprints, each with the number of speeches it stands in (read
    from the index on value and speech), then where the few standing elsewhere, and not common
    language, stand."""
    standing = (
        PassageFingerprint.objects.filter(value=OuterRef("value"))
        .order_by()
        .values("value")
        .annotate(speeches=Count("speech", distinct=True))
        .values("speeches")
    )
    rows = (
        PassageFingerprint.objects.filter(speech__in=speech_ids)
        .annotate(speeches=Subquery(standing, output_field=IntegerField()))
        .values_list("speech", "section", "paragraph", "value", "length", "speeches")
    )
    mine: dict[int, list[tuple[int, compare.Fingerprint]]] = {}
    counts: dict[int, int] = {}
    for speech_id, section_id, paragraph, value, length, speeches in rows:
        mine.setdefault(speech_id, []).append((section_id, compare.Fingerprint(paragraph, value, length)))
        counts[value] = speeches
    if not mine:
        return {}
    limit = common_limit()
    shared = [value for value, count in counts.items() if 1 < count < limit]
    where = _places(shared) if shared else {}
    return {
        speech_id: compare.shared_passages(speech_id, prints, where, counts, limit)
        for speech_id, prints in mine.items()
    }


def _speeches(ids: Iterable[int]) -> dict[int, Speech]:
    rows = Speech.objects.filter(pk__in=set(ids)).select_related("city", "county", "province").without_text()
    return {speech.pk: speech for speech in rows}


def _oldest_first(speech: Speech) -> tuple:
    return (speech.year is None, speech.year or 0, speech.delivered_on is None, speech.delivered_on or 0, speech.pk)


def speech_passages(speech: Speech, sections: list[Section]) -> list[Passage]:
    """The speech's paragraphs that stand in other speeches, in reading order; common language too,
    marked as such."""
    found = _found_passages([speech.pk]).get(speech.pk, [])
    others = _speeches(place.speech for item in found for place in item.others)
    lines = {section.pk: section.text.split("\n") for section in sections}
    own, elsewhere_outlines = Outline(sections), outlines(others) if others else {}

    def cite(outline: Outline | None, section_id: int, line: int) -> str:
        return (outline.paragraph(section_id, line) if outline else None) or anchor(section_id, line)

    passages = []
    for item in found:
        paragraphs = lines.get(item.section)
        if paragraphs is None or not 0 < item.paragraph <= len(paragraphs):
            continue  # the section changed since: the next index brings it back in step
        elsewhere = [
            Elsewhere(
                others[place.speech],
                anchor(place.section, place.paragraph),
                cite(elsewhere_outlines.get(place.speech), place.section, place.paragraph),
            )
            for place in item.others
            if place.speech in others
        ]
        elsewhere.sort(key=lambda where: _oldest_first(where.speech))
        passages.append(
            Passage(
                anchor(item.section, item.paragraph),
                paragraphs[item.paragraph - 1],
                elsewhere,
                common=item.common,
                speech_count=item.speech_count,
                cite=cite(own, item.section, item.paragraph),
            )
        )
    order = {section.pk: position for position, section in enumerate(sections)}
    passages.sort(
        key=lambda passage: (order.get(int(passage.anchor.split("-")[1]), 0), int(passage.anchor.split("-")[2]))
    )
    return passages


@dataclass
class SimilarSpeechRow:
    speech: Speech
    similarity: float
    shared_passages: int  # paragraphs of this speech standing in that one


def similar_speeches(speech: Speech, passages: list[Passage]) -> list[SimilarSpeechRow]:
    """The speeches alike to this one, earliest first, with how many of its paragraphs stand there."""
    shared: dict[int, int] = {}
    for passage in passages:
        for where in passage.others:
            shared[where.speech.pk] = shared.get(where.speech.pk, 0) + 1
    return [
        SimilarSpeechRow(link.other, link.similarity, shared.get(link.other_id, 0))
        for link in SimilarSpeech.objects.of(speech)
    ]


# --- reading: the reuse page ----------------------------------------------------------------------------


@dataclass
class Cluster:
    speeches: list[Speech]  # oldest first
    similarity: float  # the highest between two of them


def clusters(limit: int = 50) -> list[Cluster]:
    """Groups of speeches joined by high similarity (each to at least one other), largest first."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    best: dict[int, float] = {}
    pairs = SimilarSpeech.objects.filter(speech__lt=F("other")).values_list("speech", "other", "similarity")
    for first, second, _similarity in pairs.iterator():
        parent[root(first)] = root(second)
    for first, _second, similarity in pairs.iterator():
        group = root(first)
        best[group] = max(best.get(group, 0.0), similarity)
    groups: dict[int, list[int]] = {}
    for node in parent:
        groups.setdefault(root(node), []).append(node)
    chosen = sorted(groups.items(), key=lambda item: (-len(item[1]), -best[item[0]], min(item[1])))[:limit]
    speeches = _speeches(node for _, members in chosen for node in members)
    return [
        Cluster(sorted((speeches[n] for n in members if n in speeches), key=_oldest_first), best[group])
        for group, members in chosen
    ]


@dataclass
class PlaceReuse:
    """Another place whose speeches share paragraphs with this place's."""

    region: Region | None  # None: speeches placed nowhere
    passages: int  # paragraphs in common
    speeches: set[int] = field(default_factory=set)  # theirs


@dataclass
class RegionReuse:
    reuses: list[PlaceReuse]  # passages this place's speeches share with earlier speeches elsewhere
    reused_by: list[PlaceReuse]  # passages of this place that later speeches elsewhere share
    same_year: list[PlaceReuse]  # in speeches of the same year: who wrote first cannot be told
    common: int  # paragraphs of common language, left out


def _place_of(speech: Speech) -> Region | None:
    return speech.county or speech.city or speech.province


MAX_REGION_SPEECHES = 100


def region_reuse(region: Region) -> RegionReuse:
    """Whose texts this place's speeches reuse, and who reuses its texts: a paragraph shared with a
    speech of another place given earlier counts as reused from there, one given later as reused
    by it. Over the place's newest MAX_REGION_SPEECHES speeches."""
    own = list(Speech.objects.in_region(region).by_date().values_list("pk", flat=True)[:MAX_REGION_SPEECHES])
    found = _found_passages(own)
    speeches = _speeches([*own, *(place.speech for items in found.values() for item in items for place in item.others)])
    tallies: dict[str, dict[object, PlaceReuse]] = {"reuses": {}, "reused_by": {}, "same_year": {}}
    common = 0
    for speech_id, items in found.items():
        mine = speeches.get(speech_id)
        for item in items:
            if item.common:
                common += 1
                continue
            for place in item.others:
                theirs = speeches.get(place.speech)
                if mine is None or theirs is None:
                    continue
                if mine.year is None or theirs.year is None or mine.year == theirs.year:
                    kind = "same_year"
                else:
                    kind = "reuses" if theirs.year < mine.year else "reused_by"
                where = _place_of(theirs)
                key = where.pk if where else None
                tally = tallies[kind].setdefault(key, PlaceReuse(where, 0))
                tally.passages += 1
                tally.speeches.add(theirs.pk)

    def ordered(kind: str) -> list[PlaceReuse]:
        return sorted(tallies[kind].values(), key=lambda row: (-row.passages, row.region.code if row.region else ""))

    return RegionReuse(ordered("reuses"), ordered("reused_by"), ordered("same_year"), common)


# --- at import: a near duplicate found, and what staff chose -----------------------------------------

# How staff may answer a near duplicate at import.
KEEP_BOTH, SKIP, REPLACE = "keep", "skip", "replace"
CHOICES = {SKIP: "跳过，不导入", REPLACE: "替换档案中的那篇", KEEP_BOTH: "两篇都保留"}


@dataclass
class ImportCheck:
    """What the import found of a new speech's likeness to the archive, and what is to be done."""

    signature: Signature | None
    near_duplicates: list[dict]  # as the report lists them, most similar first
    choice: str = KEEP_BOTH  # for a near duplicate: KEEP_BOTH, SKIP or REPLACE (its most similar)
    parts: list[tuple[str, str]] | None = None  # the folded parts, in outline order
    alike: list[Alike] | None = None  # the stored speeches at least SIMILAR

    @classmethod
    def of(cls, parsed: ParsedSpeech, choice: str | None = None) -> ImportCheck:
        parts = folded_parts((section.label, section.text) for section in walk_sections(parsed.sections))
        signature = signature_of(parts)
        alike = alike_speeches(signature) if signature is not None else []
        found = near_duplicates(alike)
        choice = (choice if choice in CHOICES else KEEP_BOTH) if found else KEEP_BOTH
        return cls(signature, found, choice, parts, alike)


def store_checked(
    check: ImportCheck, create: Callable[[], Speech], parsed: ParsedSpeech, digest: str, name: str, user=None
) -> Speech | None:
    """Write the speech as chosen (None when skipped) and its reuse rows."""
    if check.choice == SKIP:
        return None
    stored = None
    if check.choice == REPLACE:
        stored = Speech.objects.filter(pk=check.near_duplicates[0]["id"]).first()
    speech = replace_speech(stored, parsed, digest, name, user) if stored else create()
    index_speech(speech, parts=check.parts, signature=check.signature, alike=check.alike, new=stored is None)
    return speech


# --- a near duplicate replacing the stored speech ------------------------------------------------------


def replace_speech(stored: Speech, parsed: ParsedSpeech, digest: str, name: str, user=None) -> Speech:
    """The stored speech takes the new text, keeping its id and what staff corrected: fields named in
    `edited_fields`, and corrected commitments whose words still stand in the new text."""
    from dataclasses import replace as replaced

    from django.contrib.admin.models import CHANGE, LogEntry

    from .importing import store_commitments, store_sections
    from .reextracting import extracted_values

    values, topics = extracted_values(stored, parsed, set(stored.edited_fields or []))
    for field_name, value in values.items():
        setattr(stored, field_name, value)
    stored.text, stored.original_text, stored.content_hash = parsed.text, parsed.original_text, digest
    stored.source_name = name.rsplit("/", 1)[-1][:255]
    stored.save()
    if topics is not None:
        stored.topics.set(topics)

    kept = [row for row in stored.commitments.filter(edited=True) if row.text and row.text in parsed.text]
    stored.commitments.exclude(pk__in=[row.pk for row in kept]).delete()
    forget_speech(stored.pk)  # its fingerprints name the sections about to go
    Section.objects.filter(speech=stored).delete()
    sections = store_sections(stored, parsed.sections)
    for row in kept:
        row.section = next((s for s in sections if row.text in s.text or row.text in s.heading), None)
        row.save(update_fields=["section"])
    fresh = [
        item for item in parsed.commitments if not any(item.text in row.text or row.text in item.text for row in kept)
    ]
    store_commitments(stored, replaced(parsed, commitments=fresh), sections)
    if getattr(user, "pk", None) is not None:
        LogEntry.objects.log_actions(
            user.pk,
            [stored],
            CHANGE,
            change_message=f"以 {stored.source_name} 的文本替换（近似重复）",
            single_object=True,
        )
    return stored


# --- what a speech's page and its API detail show -------------------------------------------------------


@dataclass
class SpeechReuse:
    similar: list[SimilarSpeechRow]
    shared: list[Passage]  # stand in other speeches
    common: list[Passage]  # common language, shown apart

    def at(self, paragraph_anchor: str) -> Passage | None:
        if not hasattr(self, "_by_anchor"):
            self._by_anchor = {passage.anchor: passage for passage in (*self.shared, *self.common)}
        return self._by_anchor.get(paragraph_anchor)


def speech_reuse(speech: Speech, sections: list[Section]) -> SpeechReuse:
    passages = speech_passages(speech, sections)
    shared = [passage for passage in passages if not passage.common]
    return SpeechReuse(similar_speeches(speech, shared), shared, [passage for passage in passages if passage.common])
