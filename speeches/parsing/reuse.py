"""Text reuse in plain data: how alike two speeches are, and which of their passages stand elsewhere.

Two measures, both computed from a speech alone so that comparing it with the archive never means
reading the archive:

- A speech's **signature**: a MinHash (datasketch) over the character shingles of its words, and
  its LSH band keys. Two speeches whose signatures agree in every row of one band are candidates;
  how alike they are is then estimated from the two signatures. Looking a speech up costs the same
  however many speeches the archive holds.
- A paragraph's **fingerprints**: one hash per sentence. A paragraph stands in another speech when
  most of its sentences (or a long run of them) stand there; a sentence standing in very many
  speeches is common language, not copying.

Only what a reader would call the words counts: punctuation, spaces and line breaks are dropped,
and every number reads as one placeholder, so a report copied with its figures brought up to date
is still the same text. The text is expected already folded (traditional to simplified, full width
to half width) by the caller.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# --- the words a comparison reads --------------------------------------------------------------

# A number (with its decimals and thousands, 6.5 or 1,200) is one placeholder: figures change from
# copy to copy. A comma after a number is punctuation, not part of it.
_NUMBER = re.compile(r"[0-9]+(?:[,，][0-9]{3})*(?:[.．][0-9]+)?")
# What is neither a letter nor an ideograph nor the placeholder: punctuation, spaces, symbols.
_NOT_WORDS = re.compile(r"[^\w#]|_", re.UNICODE)
NUMBER_MARK = "#"


def comparable(text: str) -> str:
    """The text as comparisons read it: words only, every number one '#'."""
    return _NOT_WORDS.sub("", _NUMBER.sub(NUMBER_MARK, text)).lower()


# --- speech signatures ---------------------------------------------------------------------------

SHINGLE = 5  # characters per shingle: long enough that shared policy words alone rarely make one
PERMUTATIONS = 128
BANDS, ROWS = 42, 3  # candidates from a Jaccard of about 0.29 up: (1/42) ** (1/3)
SEED = 14
# One shingle in SAMPLE is kept (those whose hash falls in the lowest quarter): the same shingles in
# every text, so the estimates hold, at a quarter of the hashing.
SAMPLE = 4
# A text with fewer kept shingles (some 200 characters) is too short for a fair estimate: no signature.
MIN_SHINGLES = 50
# Shingles hashed and folded into the MinHash at a time: a chunk costs CHUNK × PERMUTATIONS words
# of memory, so a long file never builds one matrix of its whole length.
_CHUNK = 8192

NEAR_DUPLICATE = 0.9  # at least this similar to a stored speech: the same speech again
# Similar enough to be listed on a speech's page. Distinct work reports of one year share policy
# language: on the shared corpus no two reports of different places pass 0.35 (README).
SIMILAR = 0.5

# A polynomial rolling hash of SHINGLE code points in uint64 (wrapping); its high 32 bits after a
# multiplication are well mixed, so sampling on the top bits keeps an even share of shingles.
_BASE = 0x100000001B3
_MIX = 0x9E3779B97F4A7C15


@dataclass(frozen=True)
class Signature:
    hashvalues: bytes  # PERMUTATIONS little-endian uint32
    shingles: int  # distinct shingles: how containment is told from Jaccard

    def values(self) -> np.ndarray:
        import numpy as np

        return np.frombuffer(self.hashvalues, dtype="<u4")


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 32-bit hashes of the text's kept shingles (the text as `comparable` reads it)."""
    # numpy (and datasketch below) load on the first signature, not with the models: a process that
    # never compares texts (a web request, a command that queues an import) starts sooner.
    import numpy as np

    words = comparable(text)
    if len(words) < SHINGLE:
        return np.zeros(0, dtype=np.uint32)
    codes = np.frombuffer(words.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    count = len(codes) - SHINGLE + 1
    hashes = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(SHINGLE):
            hashes = hashes * np.uint64(_BASE) + codes[offset : offset + count]
        mixed = ((hashes * np.uint64(_MIX)) >> np.uint64(32)).astype(np.uint32)
    return np.unique(mixed[mixed < np.uint32(2**32 // SAMPLE)])


def _identity(value):
    return value


@cache
def _empty_minhash():
    # datasketch is imported here, not with the module: its package loads scipy (half a second),
    # which a command that only queues an import or shows a job does not need.
    from datasketch import MinHash

    # The permutations are drawn once; every signature starts from a copy of this one.
    return MinHash(num_perm=PERMUTATIONS, seed=SEED, hashfunc=_identity, scheme="affine32")


def signature(text: str) -> Signature | None:
    """The speech's signature; None for a text too short to compare."""
    hashes = shingle_hashes(text)
    if len(hashes) < MIN_SHINGLES:
        return None
    minhash = _empty_minhash().copy()
    for start in range(0, len(hashes), _CHUNK):
        minhash.update_batch(hashes[start : start + _CHUNK])
    return Signature(minhash.hashvalues.astype("<u4").tobytes(), len(hashes))


def band_keys(sig: Signature) -> list[int]:
    """One key per band (signed 64-bit, as databases store integers); the band is part of the key."""
    values = sig.values()
    keys = []
    for band in range(BANDS):
        rows = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(rows, digest_size=8, salt=band.to_bytes(2, "little")).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def similarity(first: Signature, second: Signature) -> float:
    """How much of the shorter text stands in the other, estimated from the two signatures.

    Jaccard would call a report with a tenth of it dropped only 0.9 alike; what a reader asks is how
    much of one stands in the other. From the estimated Jaccard J and the two sizes, the shingles in
    common are J × (a + b) / (1 + J). A text less than half as long as the other counts as half of
    it: a passage is not the speech, and a short text's share would rest on a handful of matches.
    """
    import numpy as np

    jaccard = float(np.count_nonzero(first.values() == second.values())) / PERMUTATIONS
    common = jaccard * (first.shingles + second.shingles) / (1 + jaccard)
    shorter, longer = sorted((first.shingles, second.shingles))
    return round(min(1.0, common / max(shorter, longer / 2)), 3)


# --- passage fingerprints ------------------------------------------------------------------------

# A paragraph is fingerprinted by its clauses, cut at 。！？；，：, so that a copy with one clause
# rewritten (a place, a new phrase) still shares the others. 、 does not cut: 农业、工业 is one clause.
# A clause shorter than this (in comparable characters) is no evidence of copying: 同志们：, 一是，
MIN_CLAUSE = 8
# A paragraph stands in another when, of its clauses that are not common language, at least
# SHARED_SHARE of the characters stand in one paragraph there, or at least LONG_RUN characters do
# (a long run inside a long paragraph); never fewer than MIN_PASSAGE characters.
SHARED_SHARE = 0.6
LONG_RUN = 100
MIN_PASSAGE = 24
# A clause standing in this many speeches or more is the language every report uses, not copying:
# at least COMMON_SPEECHES, and in a larger archive half the square root of its size (50 speeches
# of 10,000, 158 of 100,000).
COMMON_SPEECHES = 5


@dataclass(frozen=True)
class Fingerprint:
    paragraph: int  # the paragraph's number in its part (1 is the line below the heading)
    value: int  # signed 64-bit hash of the clause's comparable form
    length: int  # its comparable characters


def fingerprint_value(words: str) -> int:
    digest = hashlib.blake2b(words.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


_CLAUSE_MARK = re.compile(r"[。！？；，：!?;,:]")
_CLAUSE_BREAK = "\x00"
_NOT_WORDS_NOR_BREAKS = re.compile(r"[^\w#\x00\n]|_", re.UNICODE)


def section_fingerprints(text: str) -> list[Fingerprint]:
    """Fingerprints of a part's body, its paragraphs numbered as the speech page numbers them
    (text.split("\\n"), from 1). A clause repeated within the part counts once, where it first stands.

    The whole body is made comparable in three passes, clause ends kept as breaks: a regular
    expression run per clause would cost more than the hashing."""
    marked = _CLAUSE_MARK.sub(_CLAUSE_BREAK, _NUMBER.sub(NUMBER_MARK, text.replace(_CLAUSE_BREAK, "")))
    marked = _NOT_WORDS_NOR_BREAKS.sub("", marked).lower()
    found: dict[int, Fingerprint] = {}
    for number, paragraph in enumerate(marked.split("\n"), start=1):
        for words in paragraph.split(_CLAUSE_BREAK):
            if len(words) >= MIN_CLAUSE:
                value = fingerprint_value(words)
                if value not in found:
                    found[value] = Fingerprint(number, value, len(words))
    return list(found.values())


def common_limit(speech_count: int) -> int:
    """In how many speeches a clause stands before it is common language."""
    return max(COMMON_SPEECHES, round(speech_count**0.5 / 2))


@dataclass(frozen=True)
class Place:
    """Where a fingerprint stands: a paragraph of a part of a speech (ids as the caller keeps them)."""

    speech: int
    section: int
    paragraph: int


@dataclass
class SharedPassage:
    section: int
    paragraph: int
    others: list[Place]  # one paragraph per other speech, the one sharing most
    common: bool = False  # common language: it stands in too many speeches to say who wrote it
    speech_count: int = 0  # for common language, in how many speeches its clauses stand


def passage_is_shared(own_characters: int, shared_characters: int) -> bool:
    """Whether a paragraph whose clauses (common language left out) hold `own_characters` stands in
    a paragraph that holds `shared_characters` of them."""
    if shared_characters < MIN_PASSAGE:
        return False
    return shared_characters >= LONG_RUN or shared_characters >= SHARED_SHARE * own_characters


def shared_passages(
    speech: int,
    mine: Iterable[tuple[int, Fingerprint]],
    elsewhere: dict[int, list[Place]],
    counts: dict[int, int],
    limit: int,
) -> list[SharedPassage]:
    """The paragraphs of `speech` that stand in others, in reading order of (section, paragraph).

    `mine` holds the speech's fingerprints with their section; `elsewhere` where each value stands
    in other speeches (common values may be left out); `counts` in how many speeches each value
    stands, this one included; a value standing in `limit` or more is common language. A paragraph
    that shares nothing but common language is returned with `common` set, when that language is
    most of it.
    """
    paragraphs: dict[tuple[int, int], list[Fingerprint]] = {}
    for section, print_ in mine:
        paragraphs.setdefault((section, print_.paragraph), []).append(print_)
    found = []
    for (section, paragraph), prints in sorted(paragraphs.items()):
        own = [p for p in prints if counts.get(p.value, 1) < limit]
        common = [p for p in prints if counts.get(p.value, 1) >= limit]
        own_characters = sum(p.length for p in own)
        matched: dict[Place, int] = {}
        for print_ in own:
            for place in elsewhere.get(print_.value, ()):
                if place.speech != speech:
                    matched[place] = matched.get(place, 0) + print_.length
        best: dict[int, tuple[int, Place]] = {}
        for place, characters in matched.items():
            shared = passage_is_shared(own_characters, characters)
            if shared and (place.speech not in best or characters > best[place.speech][0]):
                best[place.speech] = (characters, place)
        if best:
            found.append(SharedPassage(section, paragraph, [place for _, place in best.values()]))
        elif common:
            common_characters = sum(p.length for p in common)
            if passage_is_shared(own_characters + common_characters, common_characters):
                speech_count = max(counts[p.value] for p in common)
                found.append(SharedPassage(section, paragraph, [], common=True, speech_count=speech_count))
    return found
