"""The table of the database cache (DJANGO_CACHE_URL=db://), made here so that `migrate` is the only
step a deployment runs, whichever cache it uses now or later (createcachetable makes any other
DatabaseCache table settings name)."""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    tables = {settings.CACHE_TABLE} | {
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    }
    command = CreateCacheTable()
    command.verbosity = 0
    for table in sorted(tables):
        command.create_table(schema_editor.connection.alias, table, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("speeches", "0006_speech_county_year_source")]

    operations = [migrations.RunPython(create_cache_tables, drop_cache_table)]
