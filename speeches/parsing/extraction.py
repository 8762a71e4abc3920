"""What the archive reads from a speech's words: title, date, place, topics, commitments.

Each step lives in its own module and works on plain strings; this module only runs them
in order on one parsed speech, so the import, re-extraction and benchmarks share it.
"""

from __future__ import annotations

from .commitments import extract_commitments
from .dating import date_from_outline
from .metadata import name_speech, read_metadata
from .places import locate, place_name
from .structures import ParsedSpeech, walk_sections
from .topics import assign_commitment_topics, classify_tokens, segment

# The header lines and opening, where a report names the congress it is given to.
_FRONT_PARAGRAPHS = 8


def extract(speech: ParsedSpeech) -> ParsedSpeech:
    """Fill in the extracted fields of `speech` (in place) and return it."""
    paragraphs = speech.text.split("\n")
    metadata = read_metadata(speech.title or None, paragraphs)
    speech.year, speech.year_source = metadata.year, metadata.year_source
    if speech.year is None:
        dating = date_from_outline(speech.sections, front="\n".join(paragraphs[:_FRONT_PARAGRAPHS]))
        if dating is not None:
            speech.year, speech.year_source = dating.year, dating.source
    speech.delivered_on = metadata.delivered_on
    speech.speaker = metadata.speaker
    speech.occasion = metadata.occasion
    placement = locate(speech.text, title=speech.title)
    speech.city_code = placement.city_code
    speech.province_code = placement.province_code
    speech.county_code = placement.county_code
    first_heading = next((section.heading for section in walk_sections(speech.sections) if section.heading), "")
    speech.title = name_speech(
        metadata.title,
        year=speech.year,
        place=place_name(placement),
        opening="\n".join(paragraphs[:_FRONT_PARAGRAPHS]),
        first_heading=first_heading,
    )
    # One segmentation serves the speech's topics and every commitment's.
    tokens = segment(speech.text)
    speech.words = tokens
    speech.topics = classify_tokens(tokens)
    speech.commitments = extract_commitments(speech.sections, year=speech.year)
    assign_commitment_topics(speech, tokens)
    return speech
