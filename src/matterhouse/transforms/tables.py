"""Arrow schemas of the parsed tables and the conversion of parsed files to them.

Parsed tables hold what each file says, one row per file contribution, each with the
source_file_id it came from so that a changed or deleted file's rows can be replaced;
the published tables are built from them in SQL (sql/models/), where the merge rules live.
"""

from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from .articles import ParsedFile

TIMESTAMP = pa.timestamp("us", tz="UTC")


def required(name: str, type_: pa.DataType) -> pa.Field:
    """A column every row has: NOT NULL in the warehouse's parsed tables."""
    return pa.field(name, type_, nullable=False)


# What parse workers write, one table per name. These schemas are the only declaration of
# the parsed tables' columns: their DDL (parsed.<name>), the select that reads a run's
# Parquet (matterhouse.store.schema) and the parser's rows (ROW_TEMPLATES) are derived
# from them.
PARSED_SCHEMAS: dict[str, pa.Schema] = {
    # One row per file the warehouse knows, as the parser last wrote it. Key: source_file_id.
    "files": pa.schema(
        [
            required("source_file_id", pa.string()),
            required("source", pa.string()),
            required("path", pa.string()),
            required("size_bytes", pa.int64()),
            required("modified_at", TIMESTAMP),
            ("content_hash", pa.string()),  # null when the file could not be read
            ("article_id", pa.string()),  # null when rejected
            ("reason", pa.string()),  # why it was rejected
            required("parse_rules", pa.int32()),  # the parse-rule version that read it; older ones are read again
        ]
    ),
    # One row per (file, URL the file describes): what one file says about one article, its
    # own (embed_position is null) or an entry of its related list. Key: file_article_id.
    "file_articles": pa.schema(
        [
            required("file_article_id", pa.string()),
            required("source_file_id", pa.string()),
            ("embed_position", pa.int32()),
            required("article_id", pa.string()),
            required("url", pa.string()),
            ("title", pa.string()),
            ("excerpt", pa.string()),
            ("published_at", TIMESTAMP),
            ("updated_at", TIMESTAMP),
            ("provider_id", pa.string()),
            ("provider_domain", pa.string()),
            ("provider_name", pa.string()),
            ("category", pa.string()),
            ("type", pa.string()),
            ("quality", pa.int64()),
            ("heat", pa.int64()),
            ("is_published", pa.bool_()),
            ("amp_url", pa.string()),
            ("cdn_amp_url", pa.string()),
            ("secured", pa.string()),
            ("body", pa.string()),
            ("extra", pa.string()),
            ("story_key", pa.string()),  # equal for copies of one story (transforms/variants.py)
        ]
    ),
    # One row per image of a file article. Key: (file_article_id, position).
    "file_article_images": pa.schema(
        [
            required("file_article_id", pa.string()),
            required("source_file_id", pa.string()),
            required("position", pa.int32()),
            required("url", pa.string()),
            ("width", pa.int64()),
            ("height", pa.int64()),
            ("title", pa.string()),
            ("extra", pa.string()),
        ]
    ),
    # One row per (file article, topic).
    "file_article_topics": pa.schema(
        [required("file_article_id", pa.string()), required("source_file_id", pa.string()), required("topic", pa.string())]
    ),
    # One row per (file's own article, related article).
    "file_article_relations": pa.schema(
        [
            required("file_article_id", pa.string()),
            required("source_file_id", pa.string()),
            required("related_article_id", pa.string()),
            required("position", pa.int32()),
        ]
    ),
    # One row per (file article, URL it names): its own URL, and the AMP pages it declares
    # (ampWebUrl, cdnAmpWebUrl). Key: (file_article_id, url).
    "file_article_urls": pa.schema(
        [
            required("file_article_id", pa.string()),
            required("source_file_id", pa.string()),
            required("url", pa.string()),
            required("url_key", pa.string()),  # the URL without tracking parameters and AMP wrapping
            required("kind", pa.string()),  # web, amp, cdn_amp or variant: what the key removed, or the field
        ]
    ),
    # One row per bad field value found in a file.
    "file_warnings": pa.schema(
        [
            required("source_file_id", pa.string()),
            required("field", pa.string()),
            ("raw_value", pa.string()),
            required("message", pa.string()),
        ]
    ),
}

# Each parsed table's row with every column null, in the schema's order. The parser makes
# every row as a copy of its template, so that a row's values are its columns in order.
ROW_TEMPLATES = {name: dict.fromkeys(schema.names) for name, schema in PARSED_SCHEMAS.items()}

# ParsedFile attribute holding each parsed table's rows.
ROWS_OF = {
    "files": lambda parsed: [parsed.file],
    "file_articles": lambda parsed: parsed.file_articles,
    "file_article_images": lambda parsed: parsed.images,
    "file_article_topics": lambda parsed: parsed.topics,
    "file_article_relations": lambda parsed: parsed.relations,
    "file_article_urls": lambda parsed: parsed.urls,
    "file_warnings": lambda parsed: parsed.warnings,
}


def to_parsed_tables(parsed_files: list["ParsedFile"]) -> dict[str, pa.Table]:
    """One Arrow table per parsed table for a batch of parsed files."""
    tables = {}
    for name, schema in PARSED_SCHEMAS.items():
        rows = [row for parsed in parsed_files for row in ROWS_OF[name](parsed)]
        if any(len(row) != len(schema) for row in rows):
            raise ValueError(f"a {name} row has columns its schema lacks")
        # Rows are their template's copies (ROW_TEMPLATES): transposing their values gives
        # the columns in order, twice as fast as looking each value up by name.
        columns = zip(*map(dict.values, rows)) if rows else ([] for _ in schema)
        tables[name] = pa.Table.from_arrays(
            [pa.array(column, field.type) for column, field in zip(columns, schema, strict=True)], schema=schema
        )
    return tables
