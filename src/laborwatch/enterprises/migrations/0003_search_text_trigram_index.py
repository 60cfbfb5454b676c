# The registry search ("any name or the code", enterprises.selectors) is a substring match on
# search_text, every name joined. Without an index PostgreSQL reads the whole registry for every
# search (350,000 rows in a city). A trigram index (pg_trgm) finds the rows holding every
# three-character piece of a fragment, but the names are Chinese and a fragment is often two
# characters (a brand: 海尔), which has no trigram. So the index is on the upper-cased text
# with every character doubled (海尔 -> 海海尔尔): a fragment of two characters or more, doubled
# too, always has trigrams, and the doubled text holds the doubled fragment exactly when the
# text holds the fragment. The selector compares the same expression (DOUBLED_SEARCH_TEXT).
# SQLite has no such index: there the migration does nothing (a demo city is small to scan).

from django.db import migrations

INDEX = "enterprise_search_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON enterprises_enterprise USING gin"
        " (regexp_replace(UPPER(search_text), '(.)', '\\1\\1', 'g') gin_trgm_ops)"
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
