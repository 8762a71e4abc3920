import pytest
from django.core.management import call_command

from speeches.importing import ImportOptions, import_file
from speeches.models import Commitment, Region, Speech
from tests.corpus import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def shangqiu_speech():
    outcome = import_file(SEED.name, SEED.read_bytes(), ImportOptions())
    return Speech.objects.get(pk=outcome.speeches[0].speech.pk)


def test_reextract_keeps_staff_edits_and_commitment_ids(shangqiu_speech, capsys):
    speech = shangqiu_speech
    assert speech.commitments.count() > 5
    ids_before = set(speech.commitments.values_list("pk", flat=True))

    # Staff move the speech and correct one commitment; extraction has since lost another.
    speech.city = Region.objects.get(name="开封市")
    speech.edited_fields = ["city"]
    speech.save()
    corrected = speech.commitments.order_by("position")[0]
    corrected.text = "（人工校订）" + corrected.text
    corrected.edited = True
    corrected.save()
    lost = speech.commitments.filter(edited=False).order_by("position")[1]
    lost_text, lost_id = lost.text, lost.pk
    lost.delete()
    speech.province = None
    speech.save()

    call_command("reextract", "--speech", str(speech.pk))

    speech.refresh_from_db()
    assert speech.city.name == "开封市"  # staff's correction wins
    assert speech.province.name == "河南省"  # not edited: extraction fills it again
    assert Commitment.objects.get(pk=corrected.pk).text.startswith("（人工校订）")
    assert speech.commitments.filter(text=lost_text).count() == 1
    ids_after = set(speech.commitments.values_list("pk", flat=True))
    assert ids_before - {lost_id} <= ids_after
    # The corrected commitment is not extracted a second time beside staff's version.
    assert speech.commitments.count() == len(ids_before)
    assert "1 speeches re-extracted" in capsys.readouterr().out


def test_reextract_of_an_unchanged_archive_changes_nothing(shangqiu_speech):
    rows = list(Commitment.objects.order_by("pk").values_list("pk", "text", "kind", "strength"))
    call_command("reextract")
    assert list(Commitment.objects.order_by("pk").values_list("pk", "text", "kind", "strength")) == rows
