import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from speeches.jobs import resume_stalled, send_alerts


class Command(BaseCommand):
    help = "Run a worker for the archive's background jobs (imports, alert digests)."

    def add_arguments(self, parser):
        parser.add_argument("--until-empty", action="store_true", help="run what is queued, then exit")
        parser.add_argument(
            "--stale-after",
            type=float,
            default=None,
            help="seconds without a report after which a running job counts as left behind "
            f"(default {settings.SPEECHES_JOB_STALE_SECONDS}, SPEECHES_JOB_STALE_SECONDS)",
        )

    def handle(self, *args, until_empty=False, stale_after=None, verbosity=1, **options):
        # A worker killed mid-job left its job running: it is queued again, to finish the files not done.
        resumed = resume_stalled(stale_after)
        if resumed and verbosity:
            self.stderr.write(f"taken up again: import jobs {', '.join(map(str, resumed))}")
        if not until_empty:
            _every(settings.SPEECHES_ALERTS_EVERY_SECONDS, send_alerts.enqueue)
        backend = settings.TASKS["default"]["BACKEND"]
        if backend == "django_tasks_rq.RQBackend":
            # Jobs run in the worker's own process rather than a child forked for each: a fork would
            # share the parent's database connections, which Django does not allow.
            call_command(
                "rqworker",
                "default",
                burst=until_empty,
                worker_class="rq.worker.SimpleWorker",
                job_class="django_tasks_rq.backend.Job",
                verbosity=verbosity,
            )
        else:
            call_command(
                "db_worker", batch=until_empty, reload=False, startup_delay=not until_empty, verbosity=verbosity
            )


def _every(seconds: int, action) -> None:
    """Run `action` now and then every `seconds`, beside the worker, until the process ends."""

    def loop() -> None:
        while True:
            close_old_connections()
            action()
            close_old_connections()
            stop.wait(seconds)

    stop = threading.Event()
    threading.Thread(target=loop, name="job-schedule", daemon=True).start()
