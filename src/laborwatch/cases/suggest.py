"""The text engine at intake: the suggested demand category of a description."""

from __future__ import annotations

from laborwatch.text.classify import Prediction, classify


def suggest_category(description: str) -> Prediction:
    return classify(description)
