"""What the archive reads from a speech's words: title, date, place, topics, commitments.

Each step lives in its own module and works on plain strings; this module only runs them
in order on one parsed speech, so the import, re-extraction and benchmarks share it.
"""

from __future__ import annotations

from .commitments import extract_commitments
from .metadata import read_metadata
from .places import locate
from .structures import ParsedSpeech
from .topics import assign_commitment_topics, classify_tokens, segment


def extract(speech: ParsedSpeech) -> ParsedSpeech:
    """Fill in the extracted fields of `speech` (in place) and return it."""
    paragraphs = speech.text.split("\n")
    metadata = read_metadata(speech.title or None, paragraphs)
    speech.title = metadata.title
    speech.year = metadata.year
    speech.delivered_on = metadata.delivered_on
    speech.speaker = metadata.speaker
    speech.occasion = metadata.occasion
    placement = locate(speech.text, title=speech.title)
    speech.city_code = placement.city_code
    speech.province_code = placement.province_code
    # One segmentation serves the speech's topics and every commitment's.
    tokens = segment(speech.text)
    speech.words = tokens
    speech.topics = classify_tokens(tokens)
    speech.commitments = extract_commitments(speech.sections, year=speech.year)
    assign_commitment_topics(speech, tokens)
    return speech
