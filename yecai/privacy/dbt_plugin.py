"""A dbt-duckdb plugin that gives dbt's DuckDB the lake keys, so staging reads encrypted raw files.

A company's ``profiles.yml`` lists it under the output's ``plugins``::

    plugins:
      - module: yecai.privacy.dbt_plugin

dbt-duckdb calls ``configure_connection`` once on the database it opens, before any model
runs. The keys come from ``YECAI_LAKE_KEY`` / ``…_FILE`` (and ``…_PREVIOUS`` during a
rotation) in dbt's environment, checked like every yecai key against the home
(``YECAI_HOME``), and are registered with ``PRAGMA add_parquet_key`` through a session
variable: no key is in a profile, a rendered model, ``target/`` or dbt's log. The models name
a key by ``parquet_key_name`` (from its key ID, which the batch manifests record:
``yecai.raw_entity_parquet``), and lists the IDs it registered in the session variable
``yecai_lake_key_ids``, so a model can name the key it lacks. With no lake key configured it
registers nothing. With a key (lake or warehouse), what dbt's DuckDB spills to disk beyond its
memory cap is encrypted too.
"""

from __future__ import annotations

import os

from dbt.adapters.duckdb.plugins import BasePlugin

from yecai.build_warehouse import DBT_SECRET_ENV
from yecai.privacy.encryption import encrypt_spills, register_parquet_key
from yecai.privacy.lake_crypto import lake_keyring
from yecai.settings import get_paths

# Session variable listing the key IDs registered (not secret): the models check it to say
# what to set when a file's key is missing, instead of DuckDB's "No key with name …".
KEY_IDS_VARIABLE = "yecai_lake_key_ids"


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        self.key_ids: list[str] = []

    def configure_connection(self, conn) -> None:
        ring = lake_keyring(get_paths().home)
        for key in ring.values():
            register_parquet_key(conn, key)
        self.key_ids = list(ring)
        if os.environ.get(DBT_SECRET_ENV):
            # the encrypted warehouse: what dbt spills beyond its memory cap is its data too
            encrypt_spills(conn)

    def configure_cursor(self, cursor) -> None:
        # one text (",id1,id2,"): a list value does not survive dbt's agate result tables
        listed = "," + ",".join(self.key_ids) + ","
        cursor.execute(f"set variable {KEY_IDS_VARIABLE} = ?", [listed])
