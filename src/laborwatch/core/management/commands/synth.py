"""`laborwatch synth`: generate a deterministic synthetic city (the pure `synth` engine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.lib.commands import USAGE_ERROR, LaborwatchCommand, add_quiet_argument, cannot_write
from laborwatch.synth import SCALES, generate


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Generate a synthetic city (enterprises, workers, data feeds, risk episodes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", choices=sorted(SCALES), default="demo", help=_("Size of the city.")
        )
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed (0 or more)."))
        parser.add_argument("--out", type=Path, required=True, help=_("Output directory."))
        parser.add_argument(
            "--enterprises", type=int, help=_("Override the number of enterprises (for tests).")
        )
        parser.add_argument(
            "--no-posts",
            dest="posts",
            action="store_false",
            help=_("Write no post stream (most of the generation time; risk scoring reads none)."),
        )
        add_quiet_argument(parser)

    def handle(
        self,
        *args: Any,
        scale: str,
        seed: int,
        out: Path,
        enterprises: int | None,
        posts: bool,
        quiet: bool,
        **options: Any,
    ) -> None:
        if seed < 0:
            message = _("The seed must be 0 or more, not %(seed)d.") % {"seed": seed}
            raise CommandError(message, returncode=USAGE_ERROR)
        if enterprises is not None and enterprises < 1:
            message = _("--enterprises must be 1 or more, not %(count)d.")
            raise CommandError(message % {"count": enterprises}, returncode=USAGE_ERROR)
        if out.exists() and not out.is_dir():
            raise CommandError(_("%(path)s is a file, not a directory.") % {"path": out})
        try:
            manifest = generate(
                out,
                scale=scale,
                seed=seed,
                enterprises=enterprises,
                progress=not quiet,
                posts=posts,
            )
        except FileExistsError as error:
            message = _(
                "%(path)s is not empty and holds no synthetic city: choose a new or empty "
                "directory."
            )
            raise CommandError(message % {"path": out}) from error
        except OSError as error:
            raise cannot_write(out) from error
        self.stdout.write(
            _("Synthetic city written to %(path)s (seed %(seed)d, scale %(scale)s)")
            % {"path": out, "seed": seed, "scale": scale}
        )
        for name, count in sorted(manifest.get("counts", {}).items()):
            self.stdout.write(f"  {name}: {count:,}")
