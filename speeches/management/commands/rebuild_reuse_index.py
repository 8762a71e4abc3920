from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from speeches.models import Speech
from speeches.reuse import rebuild_reuse_index


class Command(BaseCommand):
    help = "Compute every speech's signature, band keys and paragraph fingerprints afresh, and the speeches alike."

    def handle(self, *args, **options):
        total = Speech.objects.count()
        with transaction.atomic():
            counts = rebuild_reuse_index(lambda rows: tqdm(rows, total=total, unit="speech", disable=None))
        self.stdout.write(
            "{speeches} speeches: {signatures} signatures, {similar_pairs} pairs alike, "
            "{fingerprints} paragraph fingerprints".format(**counts)
        )
