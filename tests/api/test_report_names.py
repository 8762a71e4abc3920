"""The API speaks the import report's language: a speech imported from the seed file reads the
same, field for field, in `import_speeches --json` and in /api/speeches/<id>/."""

import pytest

from speeches.importing import ImportOptions, import_paths, outcome_report
from tests.corpus import SEED

pytestmark = [pytest.mark.django_db, pytest.mark.corpus]

SPEECH_FIELDS = ("title", "city", "province", "year", "delivered_on", "speaker", "occasion")


def without(node: dict, *names: str) -> dict:
    return {key: value for key, value in node.items() if key not in names}


def sections_as_reported(sections: list[dict]) -> list[dict]:
    """The API's outline without the ids the report has no use for."""
    return [{**without(node, "id"), "children": sections_as_reported(node["children"])} for node in sections]


def test_the_api_reads_as_the_import_report(api):
    report = outcome_report(import_paths([SEED], ImportOptions()))
    reported = report["files"][0]["speeches"]
    assert len(reported) == 6
    for speech in reported:
        body = api.get(f"/api/speeches/{speech['id']}/").json()
        assert {name: body[name] for name in SPEECH_FIELDS} == {name: speech[name] for name in SPEECH_FIELDS}
        # The primary topic first; the archive keeps the others as a set, in the taxonomy's order.
        assert body["topics"][:1] == speech["topics"][:1] and sorted(body["topics"]) == sorted(speech["topics"])
        assert sections_as_reported(body["sections"]) == speech["sections"]
        assert len(body["commitments"]) == len(speech["commitments"]) == body["commitment_count"]
        for ours, theirs in zip(body["commitments"], speech["commitments"], strict=True):
            ours = {**ours, "targets": [without(target, "text") for target in ours["targets"]]}
            assert {name: ours[name] for name in theirs} == theirs


def test_the_seed_has_what_the_comparison_needs(api):
    """The comparison above means something: the seed's speeches have places, topics, an outline
    and commitments with amounts, deadlines and people responsible (no speaker or date, which the
    tests of the API compare on speeches of their own)."""
    report = outcome_report(import_paths([SEED], ImportOptions()))
    speeches = report["files"][0]["speeches"]
    commitments = [commitment for speech in speeches for commitment in speech["commitments"]]
    assert all(speech["sections"] for speech in speeches)
    assert any(speech["city"] for speech in speeches) and any(len(speech["topics"]) > 1 for speech in speeches)
    assert any(section["children"] for speech in speeches for section in speech["sections"])
    assert sum(bool(commitment["targets"]) for commitment in commitments) > 10
    assert any(commitment["deadline"] for commitment in commitments)
    assert any(commitment["responsible"] for commitment in commitments)
    assert any(len(commitment["section_path"]) > 1 for commitment in commitments)
