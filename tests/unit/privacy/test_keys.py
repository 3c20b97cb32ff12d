"""Keys come from the environment or a private key file outside the home; IDs, never values."""

import base64
import os

import pytest

from yecai.errors import YecaiError
from yecai.privacy.keys import key_id_of, load_key, load_keyring, new_key_text

pytestmark = pytest.mark.unit

HEX = "ab" * 32


def test_a_key_from_the_environment_has_an_id_that_does_not_reveal_it(tmp_path):
    key = load_key("token", tmp_path / "home", {"YECAI_TOKEN_KEY": HEX})
    assert key.material == bytes.fromhex(HEX)
    assert key.key_id.startswith("token-") and len(key.key_id) == len("token-") + 16
    assert HEX not in key.key_id and HEX not in repr(key) and HEX not in str(key)
    same = load_key("token", tmp_path, {"YECAI_TOKEN_KEY": base64.b64encode(key.material).decode()})
    assert same.key_id == key.key_id  # hex or base64: the same key, the same ID
    assert key_id_of("warehouse", key.material) != key.key_id  # IDs differ per purpose


def test_bad_keys_say_how_to_make_a_good_one(tmp_path):
    with pytest.raises(YecaiError, match="at least 32") as short:
        load_key("token", tmp_path, {"YECAI_TOKEN_KEY": "abcd"})
    assert "secrets.token_hex(32)" in short.value.fix
    with pytest.raises(YecaiError, match="neither hex nor base64"):
        load_key("token", tmp_path, {"YECAI_TOKEN_KEY": "not a key at all!"})
    with pytest.raises(YecaiError, match="both YECAI_TOKEN_KEY and YECAI_TOKEN_KEY_FILE"):
        load_key("token", tmp_path, {"YECAI_TOKEN_KEY": HEX, "YECAI_TOKEN_KEY_FILE": "/x"})
    with pytest.raises(YecaiError, match="no warehouse key") as missing:
        load_key("warehouse", tmp_path, {})
    assert "YECAI_WAREHOUSE_KEY_FILE" in missing.value.fix
    # messages pass the log redaction on their way out ("key: <word>" reads as a credential):
    # the variable to set must still be there
    from yecai.privacy.redact import MASK, redact_text

    assert (
        MASK not in redact_text(missing.value.what) and "YECAI_WAREHOUSE_KEY" in missing.value.what
    )
    assert load_key("warehouse", tmp_path, {}, required=False) is None
    with pytest.raises(YecaiError, match="unknown key purpose"):
        load_key("misc", tmp_path, {})


def _key_file(path, mode=0o600):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new_key_text() + "\n")
    os.chmod(path, mode)
    return path


def test_a_key_file_inside_the_home_is_refused(tmp_path):
    home = tmp_path / "home"
    inside = _key_file(home / "keys" / "lake.key")
    with pytest.raises(YecaiError, match="inside the yecai home"):
        load_key("lake", home, {"YECAI_LAKE_KEY_FILE": str(inside)})
    # a symbolic link from outside into the home is the same file: refused too
    link = tmp_path / "elsewhere.key"
    link.symlink_to(inside)
    with pytest.raises(YecaiError, match="inside the yecai home"):
        load_key("lake", home, {"YECAI_LAKE_KEY_FILE": str(link)})


def test_a_key_file_others_can_read_is_refused(tmp_path):
    loose = _key_file(tmp_path / "keys" / "lake.key", 0o644)
    with pytest.raises(YecaiError, match="mode 0644") as err:
        load_key("lake", tmp_path / "home", {"YECAI_LAKE_KEY_FILE": str(loose)})
    assert err.value.fix == f"chmod 600 {loose}"
    os.chmod(loose, 0o400)
    key = load_key("lake", tmp_path / "home", {"YECAI_LAKE_KEY_FILE": str(loose)})
    assert key.source == str(loose)


def test_rotation_keeps_the_previous_key_readable(tmp_path):
    old, new = "cd" * 32, "ef" * 32
    ring = load_keyring(
        "warehouse", tmp_path, {"YECAI_WAREHOUSE_KEY": new, "YECAI_WAREHOUSE_KEY_PREVIOUS": old}
    )
    assert [k.material for k in ring.values()] == [bytes.fromhex(new), bytes.fromhex(old)]
    assert len(set(ring)) == 2
