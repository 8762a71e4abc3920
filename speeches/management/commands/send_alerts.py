from django.core.management.base import BaseCommand

from speeches.alerts import send_due_alerts


class Command(BaseCommand):
    help = (
        "Send the e-mail alerts whose digest is due (daily or weekly) what was imported since their last one; "
        "run by the job worker's schedule or by cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="send every pending digest now, due or not")

    def handle(self, *args, **options):
        sent = send_due_alerts(everything=options["now"])
        self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} sent")
