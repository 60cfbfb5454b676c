"""The risk engine: feeds → indicators → explainable scores and grades. Never imports Django.

ingest (feeds, validate, store) loads department feeds into a partitioned Parquet store;
definitions + indicators/ hold every scoring definition as SQL (DuckDB dialect, transpiled
to Spark by `spark`); rules.py reads the versioned rules file data/rules-v1.toml; pipeline
writes one scores table per day for the app to sync into warnings; evaluate backtests the
engine on a synthetic city.
"""
