import datetime as dt

import pyarrow as pa
import pytest

from laborwatch.lib.app_feeds import feed_table

SCHEMA = (("event_id", pa.string()), ("first_seen_on", pa.date32()), ("heat", pa.float64()))


def test_rows_become_the_schemas_columns_and_types():
    table = feed_table(
        SCHEMA, [("YQ0000001", dt.date(2025, 3, 4), 12.5), ("YQ0000002", dt.date(2025, 3, 5), 0.0)]
    )

    assert table.schema == pa.schema(list(SCHEMA))
    assert table.to_pydict() == {
        "event_id": ["YQ0000001", "YQ0000002"],
        "first_seen_on": [dt.date(2025, 3, 4), dt.date(2025, 3, 5)],
        "heat": [12.5, 0.0],
    }


def test_no_rows_is_an_empty_table_of_the_schema():
    table = feed_table(SCHEMA, [])

    assert table.num_rows == 0
    assert table.schema == pa.schema(list(SCHEMA))


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        feed_table(SCHEMA, [("YQ0000001", dt.date(2025, 3, 4))])
