"""Credentials for a REST source, read from the environment at the moment of the read (pure
apart from the ``env`` mapping it is given)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field

from ingestion.connectors.rest_settings import AuthSettings
from yecai.errors import YecaiError


@dataclass(frozen=True)
class Credentials:
    """What goes with every request: headers, and query parameters (API key in the query)."""

    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)

    @property
    def secret_params(self) -> set[str]:
        """Query parameters whose value must never appear in a message."""
        return set(self.params)


def credentials(auth: AuthSettings, env: Mapping[str, str]) -> Credentials:
    """The request headers / parameters ``auth`` asks for; a missing variable is an error."""
    if auth.type == "none":
        return Credentials()
    if auth.type == "bearer":
        token = env.get(auth.token_env or "")
        return Credentials(headers={"Authorization": f"Bearer {_required(token, auth.token_env)}"})
    if auth.type == "api_key":
        key = _required(env.get(auth.key_env or ""), auth.key_env)
        name = auth.name or ""
        if auth.location == "query":
            return Credentials(params={name: key})
        return Credentials(headers={name: key})
    if auth.type == "basic":
        user = _required(env.get(auth.username_env or ""), auth.username_env)
        password = _required(env.get(auth.password_env or ""), auth.password_env)
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return Credentials(headers={"Authorization": f"Basic {pair}"})
    raise YecaiError(f"unknown auth type {auth.type!r}", "use bearer, api_key, basic or none")


def _required(value: str | None, variable: str | None) -> str:
    if not value:
        raise YecaiError(
            f"environment variable {variable} is empty; the REST source needs it to sign in",
            f"export {variable}=<secret> before running (secrets never go in sources.yml)",
        )
    return value
