"""Load the taxonomy of policy areas with its keywords (see speeches/parsing/topics.py)."""

from django.db import migrations


def load_topics(apps, schema_editor):
    from speeches.parsing.topics import TOPICS

    Topic = apps.get_model("speeches", "Topic")
    for position, topic in enumerate(TOPICS):
        Topic.objects.create(slug=topic.slug, name=topic.name, keywords=" ".join(topic.keywords), position=position)


def unload_topics(apps, schema_editor):
    apps.get_model("speeches", "Topic").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("speeches", "0002_load_regions")]

    operations = [migrations.RunPython(load_topics, unload_topics)]
