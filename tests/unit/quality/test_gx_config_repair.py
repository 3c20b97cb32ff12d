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
