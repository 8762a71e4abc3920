import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from speeches.importing import ImportOptions, expand_paths, import_paths, outcome_report
from speeches.models import Region
from speeches.models.jobs import ImportJob


class Command(BaseCommand):
    # The system checks load every URLconf, the API and the admin: most of a second before the
    # command could answer, for nothing an import needs. `manage.py check` runs them at deployment.
    requires_system_checks = []
    help = (
        "Import speech files (.txt, .docx, .pdf with a text layer), folders of them and .zip archives into the archive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", help="files, folders (searched for *.txt, *.docx, *.pdf and *.zip) or .zip archives"
        )
        parser.add_argument(
            "--queue", action="store_true", help="queue the import as a background job and return at once (run_jobs)"
        )
        parser.add_argument("--job", type=int, metavar="ID", help="the state of a queued import, its report once done")
        parser.add_argument("--city", help="place every speech in this city (name, short name or code)")
        parser.add_argument("--province", help="place every speech in this province (name, short name or code)")
        parser.add_argument("--year", type=int, help="the year of every speech")
        parser.add_argument("--dry-run", action="store_true", help="parse and extract, write nothing")
        parser.add_argument("--json", action="store_true", help="print only the JSON report on stdout")
        parser.add_argument(
            "--near-duplicates",
            choices=("keep", "skip"),
            default="keep",
            help="a speech at least 0.9 similar to a stored one: import it beside that one (keep) or not (skip)",
        )

    def handle(self, *args, **options):
        if options["job"] is not None:
            return self.show_job(options["job"], options["json"])
        if not options["paths"]:
            raise CommandError("name the files or folders to import (or --job ID)")
        import_options = ImportOptions(
            city=find_region(options["city"], Region.Level.CITY) if options["city"] else None,
            province=find_region(options["province"], Region.Level.PROVINCE) if options["province"] else None,
            year=options["year"],
            dry_run=options["dry_run"],
            near_duplicate=options["near_duplicates"],
        )
        paths = list(expand_paths(options["paths"]))
        if options["queue"]:
            return self.queue(paths, import_options, options["json"])
        show_progress = len(paths) > 1 and sys.stderr.isatty()
        outcomes = []
        with tqdm(total=len(paths), unit="file", disable=not show_progress, file=sys.stderr) as progress:
            # One batch, so that the next files are read while one is written (parsing/pool.py).
            names, done = [str(path) for path in paths], 0
            for outcome in import_paths(paths, import_options):
                outcomes.append(outcome)
                if outcome.error and not options["json"]:
                    progress.write(self.style.ERROR(outcome.error), file=sys.stderr)
                # A zip's members come as "<zip>/<member>": the bar counts the files named.
                while done < len(names) and not _of_file(outcome.path, names[done]):
                    done += 1
                    progress.update(1)
            progress.update(len(names) - done)

        failed = [outcome for outcome in outcomes if outcome.error]
        speeches = [item for outcome in outcomes for item in outcome.speeches]
        duplicates = sum(1 for item in speeches if item.duplicate)
        near = sum(1 for item in speeches if item.near_duplicates)
        skipped = sum(1 for item in speeches if item.near_duplicates and item.choice == "skip")
        created = len(speeches) - duplicates - skipped
        if options["json"]:
            self.stdout.write(json.dumps(outcome_report(outcomes), ensure_ascii=False, indent=1))
        else:
            verb = "would import" if options["dry_run"] else "imported"
            self.stdout.write(
                f"{len(outcomes)} files: {verb} {created} speeches, {duplicates} duplicates, {len(failed)} failed, "
                f"{near} near duplicates" + (f" ({skipped} skipped)" if skipped else "")
            )
        if failed:
            # Exit status 1 while keeping what the other files imported.
            sys.exit(1)

    def queue(self, paths, import_options, as_json):
        if import_options.dry_run:
            raise CommandError("--dry-run and --queue do not go together: a dry run writes nothing to wait for")
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        from speeches.jobs import queue_import

        job = queue_import(((str(path), path.read_bytes()) for path in paths), import_options)
        if as_json:
            self.stdout.write(json.dumps({"job": {"id": job.pk, "state": job.state}}))
        else:
            self.stdout.write(f"queued import job {job.pk} ({len(paths)} files); python manage.py run_jobs imports it")

    def show_job(self, job_id, as_json):
        job = ImportJob.objects.with_progress().filter(pk=job_id).first()
        if job is None:
            raise CommandError(f"no import job {job_id}")
        state = {
            "id": job.pk,
            "state": job.state,
            "files": job.file_count,
            "files_done": job.done_count,
            "created": job.created_count,
            "duplicates": job.duplicate_count,
            "near_duplicates": job.near_duplicate_count,
            "errors": job.error_count,
            "error": job.error or None,
        }
        if as_json:
            report = job.report() if job.state == ImportJob.State.DONE else {}
            self.stdout.write(json.dumps({"job": state, **report}, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(
                f"import job {job.pk}: {job.get_state_display()} ({job.state}), {job.done_count} of {state['files']} "
                f"files, {job.created_count} speeches created, {job.duplicate_count} duplicates, "
                f"{job.error_count} files failed" + (f"; {job.error}" if job.error else "")
            )


def _of_file(outcome_path: str, name: str) -> bool:
    return outcome_path == name or outcome_path.startswith(f"{name}/")


def find_region(value: str, level: int) -> Region:
    regions = Region.objects.filter(level=level)
    for lookup in ("code", "name", "short_name"):
        match = regions.filter(**{lookup: value}).first()
        if match:
            return match
    raise CommandError(f"no {Region.Level(level).label} region called {value!r}")
