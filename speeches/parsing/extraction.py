"""What the archive reads from a speech's words: title, year, place, topics, commitments."""

from __future__ import annotations

from .structures import ParsedSpeech


def extract(speech: ParsedSpeech) -> ParsedSpeech:
    return speech
