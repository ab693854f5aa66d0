import duckdb
import pytest

from gridgov import store


def test_new_database_is_at_the_current_schema_version(tmp_path):
    con = store.connect(tmp_path / "a.duckdb")
    assert store.schema_version(con) == store.SCHEMA_VERSION
    assert store.migrate(con) == store.SCHEMA_VERSION   # migrating again does nothing


def test_instance_refuses_file_access_and_configuration_changes(tmp_path):
    con = store.connect(tmp_path / "a.duckdb")
    with pytest.raises(duckdb.Error, match="disabled by configuration"):
        con.execute("select * from read_csv('/etc/passwd')")
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("set enable_external_access = true")


def test_python_variables_are_invisible_to_sql(tmp_path):
    con = store.connect(tmp_path / "a.duckdb")
    secret_frame = store  # noqa: F841 - a local a replacement scan would find
    with pytest.raises(duckdb.CatalogException):
        con.execute("select * from secret_frame")


def test_insert_frame_refuses_unknown_columns(tmp_path):
    import polars as pl

    con = store.connect(tmp_path / "a.duckdb")
    with pytest.raises(ValueError, match="unknown columns"):
        store.insert_frame(con, "grids", pl.DataFrame({"grid_id": ["x"], "colour": ["red"]}))
    assert store.insert_frame(con, "grids", pl.DataFrame({"grid_id": ["x"]})) == 1


def test_newer_schema_is_refused(tmp_path):
    con = store.connect(tmp_path / "a.duckdb")
    con.execute("insert into schema_version values (99, now())")
    with pytest.raises(RuntimeError, match="newer"):
        store.migrate(con)
