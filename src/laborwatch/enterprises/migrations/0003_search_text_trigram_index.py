# The registry search ("any name or the code", enterprises.selectors.enterprise_search) is a
# substring match on search_text, every name joined. Without an index PostgreSQL reads the
# whole registry for every search (350,000 rows in a city); a trigram index (pg_trgm) finds
# the rows holding every three-character piece of the fragment. The index is on
# UPPER(search_text), the expression Django's icontains compares. SQLite has no such index:
# there the migration does nothing (an embedded demo city is small enough to scan).

from django.db import migrations

INDEX = "enterprise_search_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON enterprises_enterprise"
        " USING gin (UPPER(search_text) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_enterprise_abnormal_since"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
