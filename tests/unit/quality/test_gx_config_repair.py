"""A run killed while GX rewrote great_expectations.yml must not block every later run."""

import logging

from quality.gx_context import context_root, data_docs_dir, gx_session
from yecai.settings import Paths


def _half_written(config):
    text = config.read_text()
    config.write_text(text[: len(text) // 2])


def test_a_torn_configuration_is_restored_from_the_last_good_copy(tmp_path, caplog):
    paths = Paths(home=tmp_path)
    with gx_session(paths) as context:
        context.suites.add(__import__("great_expectations").ExpectationSuite(name="kept"))
    config = context_root(paths) / "gx" / "great_expectations.yml"
    _half_written(config)

    with caplog.at_level(logging.WARNING), gx_session(paths) as context:
        assert "kept" in [s.name for s in context.suites.all()]
        site = context.variables.data_docs_sites["yecai"]
        assert site["store_backend"]["base_directory"] == str(data_docs_dir(paths))
    assert "restored the last good copy" in caplog.text


def test_without_a_good_copy_the_torn_file_is_set_aside_and_a_fresh_one_made(tmp_path, caplog):
    paths = Paths(home=tmp_path)
    with gx_session(paths):
        pass
    config = context_root(paths) / "gx" / "great_expectations.yml"
    config.with_name(config.name + ".good").unlink()
    _half_written(config)

    with caplog.at_level(logging.WARNING), gx_session(paths) as context:
        assert "yecai" in context.variables.data_docs_sites
    assert config.with_name(config.name + ".broken").exists()
    assert "starting a fresh one" in caplog.text


def test_a_torn_validation_definition_is_set_aside_and_made_again(tmp_path, caplog):
    """A run killed while GX wrote a validation definition left it empty: GX found the key,
    could not load it, and every later session's add_or_update failed."""
    import great_expectations as gx

    paths = Paths(home=tmp_path)
    with gx_session(paths) as context:
        source = context.data_sources.add_pandas("p")
        batch = source.add_dataframe_asset("a").add_batch_definition_whole_dataframe("b")
        suite = context.suites.add(gx.ExpectationSuite(name="s"))
        context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name="v", data=batch, suite=suite)
        )
    (stored,) = (context_root(paths) / "gx" / "validation_definitions").glob("*.json")
    stored.write_text("")  # killed mid-write

    with caplog.at_level(logging.WARNING), gx_session(paths) as context:
        batch = context.data_sources.get("p").get_asset("a").get_batch_definition("b")
        suite = context.suites.get("s")
        made = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name="v", data=batch, suite=suite)
        )
        assert made.id
    assert stored.with_name(stored.name + ".broken").exists()
    assert "half written" in caplog.text


def test_a_validation_result_cut_short_is_set_aside_and_the_rest_kept(tmp_path):
    from quality.gx_context import set_aside_torn_store_files

    root = context_root(Paths(home=tmp_path))
    results = root / "gx" / "uncommitted" / "validations" / "suite" / "run" / "t"
    results.mkdir(parents=True)
    whole = results / "a.json"
    whole.write_text('{"success": true, "results": []}\n')
    cut = results / "b.json"
    cut.write_text('{"success": true, "resu')
    empty = results / "c.json"
    empty.write_text("")
    # older than the last Data Docs build: rendered by it, so not looked at again
    built = cut.stat().st_mtime_ns + 10**9
    assert set_aside_torn_store_files(root, results_since_ns=built) == []
    assert set_aside_torn_store_files(root) == [cut, empty]
    assert whole.exists() and not cut.exists() and not empty.exists()
    assert cut.with_name("b.json.broken").exists()
