# The registry search ("any name or the code", enterprises.selectors) is a substring match on
# search_text, every name joined. Without an index PostgreSQL reads the whole registry for every
# search (350,000 rows in a city). Trigram indexes (pg_trgm) find the rows holding every
# three-character piece of a fragment:
# - on UPPER(search_text), the expression Django's icontains compares: fragments of three
#   characters or more;
# - on the same text with every character doubled (海尔 -> 海海尔尔), for fragments of two
#   characters (a brand: 海尔), which have no trigram of their own: doubled too, they have, and
#   the doubled text holds the doubled fragment exactly when the text holds the fragment. The
#   selector compares the same expression (DOUBLED_SEARCH_TEXT). Its check of each row found
#   is a regular expression, dearer than the plain index's LIKE: hence two indexes.
# SQLite has no such index: there the migration does nothing (a demo city is small to scan).

from django.db import migrations

INDEXES = {
    "enterprise_search_text_trgm": "UPPER(search_text)",
    "enterprise_search_text_doubled_trgm": "regexp_replace(UPPER(search_text), '(.)', '\\1\\1', 'g')",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON enterprises_enterprise"
            f" USING gin (({expression}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_enterprise_abnormal_since"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
