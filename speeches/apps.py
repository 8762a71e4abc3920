from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class SpeechesConfig(AppConfig):
    name = "speeches"
    verbose_name = "讲话档案"

    def ready(self):
        from .search import ensure_search_index

        # SQLite rebuilds a table when a migration alters it, dropping the full-text triggers;
        # put them back after every migrate.
        post_migrate.connect(lambda using, **kwargs: ensure_search_index(connections[using]), sender=self, weak=False)
