"""Building the models (sql/models/): whole, or by key.

A whole build makes every intermediate model and published table from all the parsed
tables: a first load, --full-refresh, and new parse or merge rules. Any other run that
changed files builds by key: for each model in order, the keys whose rows its inputs'
changes can reach are gathered in a scope table (sql/scopes/: which key changes which rows,
and why), the model's rows for those keys are kept aside, deleted, and computed again by
the same model SQL over the inputs those keys read ({everything} false), so that a build by
key and a whole build are one set of merge rules. The rows kept aside and the new ones give
each table's change counts. A scope may hold keys whose rows do not change (that costs a
little time, never a wrong row); tests/test_incremental.py compares the two builds over
random sequences of runs.
"""

from matterhouse.steps.export import buckets_in_use, part_expression
from matterhouse.store.tables import INTERMEDIATE_MODELS, MODEL_TABLES, SCOPES
from matterhouse.store.warehouse import run_sql, sql

# The columns that identify a row of each model, intermediate ones included.
ROW_KEYS = {"url_resolutions": "named_id", "chosen_file_articles": "article_id", "story_copies": "article_id", **MODEL_TABLES}
# Models whose whole build inserts a slice of their keys at a time ({slice} in their SQL),
# with the table whose row count sizes the slices. The articles model joins every chosen
# file article to its file article: past about 500,000 articles that join outgrows the
# default memory limit and spills; at a million files it took 25 s in one statement and
# 11 s in four slices (in eight: 14 s; in two: no gain).
SLICED_MODELS = {"articles": "intermediate.chosen_file_articles"}
ROWS_PER_SLICE = 500_000


def prepare_scopes(connection) -> None:
    """The (empty) scope tables the models read: a whole build reads none of their rows."""
    connection.execute(sql("scopes/create"))


def note_changed_files(connection) -> None:
    """Gather what the files in forgotten_files say: call before their rows are forgotten
    and after their new rows are added."""
    connection.execute(sql("scopes/changed_files"))


def build_models(connection, run_id: str, *, everything: bool, touched_ids: list[str]) -> None:
    """Build every model, whole or by key, counting the rows each published table gained,
    changed and lost; then record the article versions the changed files hold."""
    connection.execute(sql("runs/create_table_rows"))
    if everything:
        _hash_rows(connection, "before", {table: table for table in MODEL_TABLES})
        for model in (*INTERMEDIATE_MODELS, *MODEL_TABLES):
            build_model(connection, model)
        _hash_rows(connection, "after", {table: table for table in MODEL_TABLES})
    else:
        connection.execute(sql("scopes/named_ids"))
        _build_by_key(connection, "url_resolutions")
        connection.execute(sql("scopes/articles"))
        _build_by_key(connection, "chosen_file_articles")
        connection.execute(sql("scopes/stories"))
        _build_by_key(connection, "story_copies")
        run_sql(connection, sql("scopes/published"), source_file_ids=touched_ids)
        for table in MODEL_TABLES:
            _build_by_key(connection, table)
        _hash_rows(connection, "before", {table: f"before_{table}" for table in MODEL_TABLES})
        # after_<table> holds the rows in scope as the build left them: no second scan of the table.
        _hash_rows(connection, "after", {table: f"after_{table}" for table in MODEL_TABLES})
    run_sql(connection, sql("runs/record_table_changes"), run_id=run_id)
    flag = _everything(everything)
    run_sql(connection, sql("runs/record_article_versions", everything=flag), run_id=run_id)
    connection.execute(sql("runs/number_article_versions", everything=flag))


def build_model(connection, model: str) -> None:
    """Build one model whole: an intermediate model as a table of its own
    (intermediate.<model>), a model table by replacing its rows."""
    if model in INTERMEDIATE_MODELS:
        connection.execute(f"create or replace table intermediate.{model} as {model_query(model, everything=True)}")
    else:
        connection.execute(f"delete from {model}")
        for in_slice in _slices(connection, model):
            connection.execute(f"insert into {model} by name {model_query(model, everything=True, in_slice=in_slice)}")


def model_query(model: str, *, everything: bool, in_slice: str = "true") -> str:
    """A model's SQL over every row, or over the keys in its scope; `in_slice`, SQL over
    the model's key, limits it to one slice of them."""
    return sql(f"models/{model}", everything=_everything(everything), slice=in_slice)


def _slices(connection, model: str) -> list[str]:
    """SQL conditions on a model's key that cut a whole build into slices of about
    ROWS_PER_SLICE rows (SLICED_MODELS); one slice, `true`, for any other model."""
    if model not in SLICED_MODELS:
        return ["true"]
    ((rows,),) = connection.execute(f"select count(*) from {SLICED_MODELS[model]}").fetchall()
    slices = -(-rows // ROWS_PER_SLICE)
    if slices <= 1:
        return ["true"]
    key = ROW_KEYS[model]
    return [f"hash({key}) % {slices} = {index}" for index in range(slices)]


def _build_by_key(connection, model: str) -> None:
    """Recompute the rows of `model` whose keys are in its scope, keeping the old ones aside
    as before_<model>. Only the rows that differ are deleted and inserted: DuckDB holds what
    a transaction deleted in memory until it commits, and most rows of a scope stay as they
    were."""
    table = f"intermediate.{model}" if model in INTERMEDIATE_MODELS else model
    column, scope = SCOPES[model]
    key = ROW_KEYS[model]
    connection.execute(f"create or replace temp table before_{model} as {_rows_in_scope(model, table)}")
    connection.execute(f"create or replace temp table after_{model} as from before_{model} limit 0")
    connection.execute(f"insert into after_{model} by name {_rows_in_scope(model, f'({model_query(model, everything=False)})')}")
    connection.execute(
        f"create or replace temp table changed_{model} as select distinct hash({key}) as key_hash from "
        f"((from before_{model} except all from after_{model}) union all (from after_{model} except all from before_{model}))"
    )
    changed = f"hash({key}) in (select key_hash from changed_{model})"
    connection.execute(f"delete from {table} where {column} in (select {column} from {scope}) and {changed}")
    connection.execute(f"insert into {table} by name select * from after_{model} where {changed}")


def _rows_in_scope(model: str, rows: str) -> str:
    column, scope = SCOPES[model]
    return f"select * from {rows} where {column} in (select {column} from {scope})"


def _hash_rows(connection, side: str, rows: dict[str, str]) -> None:
    buckets = buckets_in_use(connection)
    for table, key in MODEL_TABLES.items():
        part = part_expression(table, buckets.get(table, 1))
        run_sql(connection, sql("runs/hash_rows", table=table, key=key, rows=rows[table], part=part), side=side)


def _everything(everything: bool) -> str:
    return "true" if everything else "false"
