"""The daily scoring as a Spark application, for spark-submit (YARN or Kubernetes).

    spark-submit --master yarn --deploy-mode client \\
        "$(python -c 'import laborwatch.risk.spark.submit as m; print(m.__file__)')" \\
        --feed-store hdfs:///laborwatch --date 2026-12-07 [--rules FILE] [--local-root DIR]

It writes scores/<date>/scores.parquet and indicators.parquet into the feed store (and a copy
into --local-root, the app's data directory, when given) and prints one JSON line with the
day, the rules version, the files and the counts by risk type and grade. The app then syncs
the warnings from the files (docs/deployment-spark.md). The executors run no Python: only the
driver needs laborwatch installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from laborwatch.risk.rules import load_rules
from laborwatch.risk.spark.run import score_store_spark
from laborwatch.risk.spark.session import spark_session


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="laborwatch-spark-score", description=__doc__)
    parser.add_argument("--feed-store", required=True, help="path, hdfs://… or s3a://…")
    parser.add_argument("--date", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--rules", type=Path, help="rules file (default: the shipped rules)")
    parser.add_argument("--local-root", type=Path, help="the app's data directory")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    spark = spark_session(submitted=True)
    try:
        run = score_store_spark(
            arguments.feed_store,
            as_of=arguments.date,
            config=load_rules(arguments.rules),
            spark=spark,
            local_root=arguments.local_root,
        )
    finally:
        spark.stop()
    summary = {
        "as_of": run.as_of.isoformat(),
        "config_version": run.config_version,
        "scores": str(run.scores_path),
        "indicators": str(run.indicators_path),
        "enterprises": run.enterprises,
        "files_read": len(run.files_read),
        "seconds": round(run.seconds, 1),
        "grades": {f"{risk}/{grade}": n for (risk, grade), n in sorted(run.grade_counts.items())},
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
