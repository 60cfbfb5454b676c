"""Refresh and compile the zh_Hans message catalogue.

python scripts/i18n.py extract   # makemessages (needs GNU gettext's xgettext)
python scripts/i18n.py compile   # .po → .mo with polib; no GNU gettext needed
python scripts/i18n.py check     # exit 1 when an entry is untranslated/fuzzy or the .mo is stale
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "laborwatch"
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def extract() -> None:
    subprocess.run(
        [
            sys.executable,
            "-P",  # run from the package folder without shadowing the stdlib `warnings`
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "-i",
            "synth/*",
            "--settings=laborwatch.config.settings",
        ],
        cwd=PACKAGE,
        check=True,
    )


def compile_catalogue() -> None:
    polib.pofile(str(PO)).save_as_mofile(str(MO))


def problems() -> list[str]:
    catalogue = polib.pofile(str(PO))
    found = [f"untranslated: {entry.msgid!r}" for entry in catalogue.untranslated_entries()]
    found += [f"fuzzy: {entry.msgid!r}" for entry in catalogue.fuzzy_entries()]
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(MO))}
    for entry in catalogue.translated_entries():
        if compiled.get((entry.msgctxt, entry.msgid)) != entry.msgstr:
            found.append(f"stale .mo for: {entry.msgid!r} (run scripts/i18n.py compile)")
    return found


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        extract()
    elif command == "compile":
        compile_catalogue()
    else:
        issues = problems()
        print("\n".join(issues) or "zh_Hans catalogue complete")
        sys.exit(1 if issues else 0)
