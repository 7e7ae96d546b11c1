#!/usr/bin/env python3
"""The `tvaers hotspots` job (citizen units, SPEC §2 defaults) done by DuckDB
from the same generated files, for the end-to-end benchmark.

usage: duckdb_hotspots.py DIR csv|parquet OUT.csv

The department of a row is its folder (one folder per department, as
`tvaers generate` writes them). Writes rank,unit_id,total_cost,departments,
caseworkers,contacts,cases,first_date,last_date,active_days.
"""
import sys

import duckdb

FROM, TO, TOP_PERCENT, MIN_DEPARTMENTS = "2022-01-01", "2024-12-31", 5, 2


# Typed reads, as a careful DuckDB user would declare them: dates as DATE,
# amounts as exact DECIMAL (like tvaers' whole øre), ids and codes as text so
# case numbers keep their leading zeros. Nothing is inferred from a sample.
COLUMNS = {
    "expenses": {"citizen": "VARCHAR", "date": "DATE", "amount": "DECIMAL(18,2)",
                 "account": "VARCHAR", "case": "VARCHAR", "service": "VARCHAR"},
    "contacts": {"citizen": "VARCHAR", "date": "DATE", "caseworker": "VARCHAR",
                 "case": "VARCHAR", "type": "VARCHAR"},
}


def source(root, kind, fmt):
    pattern = f"{root}/*/{'udbetalinger_*' if kind == 'expenses' else 'kontakter'}.{fmt}"
    if fmt == "csv":
        columns = ", ".join(f"'{name}': '{ty}'" for name, ty in COLUMNS[kind].items())
        return (f"read_csv('{pattern}', columns = {{{columns}}}, header = true, delim = ',', "
                f"quote = '\"', dateformat = '%Y-%m-%d', filename = true)")
    # Parquet files carry their types.
    return f"read_parquet('{pattern}', filename = true)"


def main():
    root, fmt, out = sys.argv[1], sys.argv[2], sys.argv[3]
    dept = "regexp_extract(filename, '([^/]+)/[^/]+$', 1)"
    query = f"""
    WITH rows AS (
        SELECT citizen, {dept} AS department, date,
               amount, "case" AS case_id,
               NULL::VARCHAR AS caseworker, 0 AS is_contact
        FROM {source(root, 'expenses', fmt)}
        UNION ALL
        SELECT citizen, {dept}, date, NULL, "case", caseworker, 1
        FROM {source(root, 'contacts', fmt)}
    ), units AS (
        SELECT citizen AS unit_id,
               coalesce(sum(amount), 0) AS total_cost,
               count(DISTINCT department) AS departments,
               count(DISTINCT department || chr(31) || caseworker) AS caseworkers,
               sum(is_contact) AS contacts,
               count(DISTINCT department || chr(31) || case_id) AS cases,
               min(date) AS first_date, max(date) AS last_date,
               datediff('day', min(date), max(date)) + 1 AS active_days
        FROM rows
        WHERE date BETWEEN DATE '{FROM}' AND DATE '{TO}'
        GROUP BY citizen
    ), ranked AS (
        -- Ranked by the cent, as tvaers ranks its whole øre: a Parquet amount
        -- is a DOUBLE, and two sums equal to the cent can differ in their
        -- last bits by the order DuckDB's threads added them in.
        SELECT *, row_number() OVER (ORDER BY round(total_cost, 2) DESC, unit_id ASC) AS position,
               count(*) OVER () AS n
        FROM units
    )
    SELECT row_number() OVER (ORDER BY position) AS rank, unit_id, round(total_cost, 2) AS total_cost,
           departments, caseworkers, contacts, cases, first_date, last_date, active_days
    FROM ranked
    WHERE position <= ceil(n * {TOP_PERCENT} / 100) AND departments >= {MIN_DEPARTMENTS}
    ORDER BY rank
    """
    duckdb.sql(query).write_csv(out)


if __name__ == "__main__":
    main()
