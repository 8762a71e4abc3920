"""Commitments get their character pairs in order (search_sequence) and each token once in
search_text: the SQLite index proves longer terms by phrase and finds the best matches without
scoring every match (speeches/search.py, CommitmentIndex). The index is rebuilt after migrating.
"""

from django.db import migrations, models


def refill_commitments(apps, schema_editor):
    from speeches.search import commitment_search_fields

    Commitment = apps.get_model("speeches", "Commitment")
    Target = apps.get_model("speeches", "Target")
    targets = {}
    for commitment_id, text in Target.objects.order_by("position").values_list("commitment_id", "text"):
        targets.setdefault(commitment_id, []).append(text)
    fields = ["search_text", "search_sequence", "search_targets", "search_folded"]
    batch = []
    for commitment in Commitment.objects.only("text").iterator(chunk_size=1000):
        for name, value in commitment_search_fields(commitment.text, targets.get(commitment.pk, ())).items():
            setattr(commitment, name, value)
        batch.append(commitment)
        if len(batch) == 1000:
            Commitment.objects.bulk_update(batch, fields)
            batch = []
    Commitment.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [("speeches", "0004_search_index")]

    operations = [
        migrations.AddField("commitment", "search_sequence", models.TextField(default="", blank=True, editable=False)),
        migrations.RunPython(refill_commitments, migrations.RunPython.noop),
    ]
