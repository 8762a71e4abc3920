"""Full-text search: the indexed form of commitments and speeches, and the index over it.

SQLite gets FTS5 tables (external content) kept in step by triggers, PostgreSQL a generated
tsvector column with a GIN index (see speeches/search.py). Rows already in the archive get their
indexed form here.
"""

from django.db import migrations, models


def fill_search_fields(apps, schema_editor):
    from speeches.search import commitment_search_fields, speech_search_fields

    Speech = apps.get_model("speeches", "Speech")
    Commitment = apps.get_model("speeches", "Commitment")
    Target = apps.get_model("speeches", "Target")
    speeches = []
    for speech in Speech.objects.only("title", "text").iterator(chunk_size=100):
        for name, value in speech_search_fields(speech.title, speech.text).items():
            setattr(speech, name, value)
        speeches.append(speech)
    Speech.objects.bulk_update(speeches, ["search_title", "search_text", "search_folded"], batch_size=100)
    targets = {}
    for commitment_id, text in Target.objects.order_by("position").values_list("commitment_id", "text"):
        targets.setdefault(commitment_id, []).append(text)
    commitments = []
    for commitment in Commitment.objects.only("text").iterator(chunk_size=1000):
        for name, value in commitment_search_fields(commitment.text, targets.get(commitment.pk, ())).items():
            setattr(commitment, name, value)
        commitments.append(commitment)
    Commitment.objects.bulk_update(commitments, ["search_text", "search_targets", "search_folded"], batch_size=1000)


def drop_search_index(apps, schema_editor):
    from speeches.search import drop_search_index

    drop_search_index(schema_editor.connection)


def search_field():
    return models.TextField(default="", blank=True, editable=False)


class Migration(migrations.Migration):
    dependencies = [("speeches", "0003_load_topics")]

    operations = [
        migrations.AddField("speech", "search_title", search_field()),
        migrations.AddField("speech", "search_text", search_field()),
        migrations.AddField("speech", "search_folded", search_field()),
        migrations.AddField("commitment", "search_text", search_field()),
        migrations.AddField("commitment", "search_targets", search_field()),
        migrations.AddField("commitment", "search_folded", search_field()),
        migrations.RunPython(fill_search_fields, migrations.RunPython.noop),
        # The index itself is made after migrating (SpeechesConfig.ready), for the tables as they end up.
        migrations.RunPython(migrations.RunPython.noop, drop_search_index),
    ]
