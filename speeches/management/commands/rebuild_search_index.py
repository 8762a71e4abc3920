import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from speeches.search import rebuild_search_index


class Command(BaseCommand):
    help = (
        "Recompute the indexed form of every speech and commitment and rebuild the full-text index. "
        "Imports and admin edits keep the index current; this is for after an upgrade, a bulk update "
        "that bypassed save(), or to start afresh."
    )

    def handle(self, *args, **options):
        show_progress = options["verbosity"] > 0
        with tqdm(unit="行", disable=not show_progress, file=sys.stderr, desc="重建检索索引") as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            changed = rebuild_search_index(progress)
        if show_progress:
            self.stdout.write(
                self.style.SUCCESS(
                    f"检索索引已重建：{changed['speeches']} 篇讲话、{changed['commitments']} 条承诺的索引内容有更新。"
                )
            )
