"""Deterministic synthetic city: enterprises, workers, monthly feeds, risk episodes, complaints.

Pure Python (numpy + pyarrow); never imports Django.

    from laborwatch.synth import generate, SCALES
    manifest = generate(Path("/tmp/lw-demo"), scale="demo", seed=1)
"""

from laborwatch.synth.city import SCALES, generate

__all__ = ["SCALES", "generate"]
