from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from speeches.models import Speech
from speeches.reextracting import reextract


class Command(BaseCommand):
    help = "Run extraction again on stored speeches; fields and commitments staff edited stay as they are."

    def add_arguments(self, parser):
        parser.add_argument("--speech", type=int, action="append", help="only this speech id (may repeat)")

    def handle(self, *args, **options):
        speeches = Speech.objects.order_by("pk")
        if options["speech"]:
            speeches = speeches.filter(pk__in=options["speech"])
            missing = set(options["speech"]) - set(speeches.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"no speech with id {', '.join(map(str, sorted(missing)))}")
        totals = {"speeches": 0, "kept": 0, "added": 0, "removed": 0, "untouched": 0}
        for speech in tqdm(speeches, total=speeches.count(), unit="speech", disable=None):
            outcome = reextract(speech)
            totals["speeches"] += 1
            for key in ("kept", "added", "removed", "untouched"):
                totals[key] += getattr(outcome, key)
        self.stdout.write(
            "{speeches} speeches re-extracted: commitments kept {kept}, added {added}, removed {removed}, "
            "staff-edited left alone {untouched}".format(**totals)
        )
