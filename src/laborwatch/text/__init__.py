"""The text engine: demand classification, organisation extraction, enterprise linking.

Pure Python, never imports Django; importing this package loads nothing heavy.

    from laborwatch.text.classify import classify      # classify(text, title=None) -> Prediction
    from laborwatch.text.orgs import extract_orgs      # extract_orgs(text) -> list[Span]
    from laborwatch.text.link import Linker            # Linker.from_rows(rows).link(text)
"""
