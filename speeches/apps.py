from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate


class SpeechesConfig(AppConfig):
    name = "speeches"
    verbose_name = "讲话档案"

    def ready(self):
        from .search.maintenance import drop_search_triggers, ensure_search_index

        # SQLite rebuilds a table when a migration alters it: the full-text triggers (and the view
        # naming several tables) are taken away before migrating and put back after.
        pre_migrate.connect(
            lambda using, plan=None, **kwargs: plan and drop_search_triggers(connections[using]),
            sender=self,
            weak=False,
        )
        post_migrate.connect(lambda using, **kwargs: ensure_search_index(connections[using]), sender=self, weak=False)
