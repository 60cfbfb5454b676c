"""Start each year's number sequence after the numbers issued before sequences existed.

Those numbers ended in the row's id (GD + date + id, QT + date + id), so a sequence starting
at one would meet them again.
"""

import re

from django.db import migrations

EARLIER_NUMBER = re.compile(r"^(GD|QT)(\d{4})\d{4}(\d+)$")


def continue_existing_numbers(apps, schema_editor):
    highest: dict[tuple[str, int], int] = {}
    for model_name in ("Case", "CaseGroup"):
        model = apps.get_model("cases", model_name)
        for number in model.objects.values_list("number", flat=True).iterator():
            match = EARLIER_NUMBER.match(number)
            if match is None:
                continue
            key = (match[1], int(match[2]))
            highest[key] = max(highest.get(key, 0), int(match[3]))
    sequence = apps.get_model("cases", "NumberSequence")
    sequence.objects.bulk_create(
        sequence(prefix=prefix, year=year, issued=issued)
        for (prefix, year), issued in sorted(highest.items())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_number_sequences"),
    ]

    operations = [
        migrations.RunPython(continue_existing_numbers, migrations.RunPython.noop),
    ]
