"""The catalog: an embedded DuckDB file, built whole and swapped in atomically."""
