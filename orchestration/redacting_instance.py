"""The Dagster instance class yecai's dagster.yaml names: every event is redacted before it is stored.

Log records are redacted when they are made (``yecai.privacy.redact.install_log_redaction``),
but a Dagster event carries more than its message: a step or run failure holds the exception's
message and stack (``SerializableErrorInfo``), where a driver or an HTTP client quotes the URL
it was given, token and all. Every event reaches the event log through the instance's
``handle_new_event`` or ``store_event`` (run workers, the CLI's in-process runs, the daemon and
the webserver all open the instance from dagster.yaml), so this is the one place that sees them
all before the storage and the listeners (the CLI's progress, sensors reading the log) do.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
from dagster._core.events.log import EventLogEntry
from dagster._core.instance.ref import InstanceRef
from dagster_shared.error import SerializableErrorInfo

from yecai.privacy.redact import install_log_redaction, redact_text


def redact_error(error: SerializableErrorInfo | None) -> SerializableErrorInfo | None:
    """``error`` with its message and stack redacted, and so its cause and context."""
    if error is None:
        return None
    return SerializableErrorInfo(
        message=redact_text(error.message),
        stack=[redact_text(line) for line in error.stack],
        cls_name=error.cls_name,
        cause=redact_error(error.cause),
        context=redact_error(error.context),
    )


def _redact_data(data: Any) -> Any:
    """Event-specific data (a step's or run's failure, an engine event) with its errors redacted,
    and the events it quotes (a run's failure carries its first step's failure event)."""
    if not hasattr(data, "_fields"):
        return data
    changes = {}
    for name in data._fields:
        value = getattr(data, name)
        if isinstance(value, SerializableErrorInfo):
            changes[name] = redact_error(value)
        elif isinstance(value, dg.DagsterEvent):
            changes[name] = redact_dagster_event(value)
    return data._replace(**changes) if changes else data


def redact_dagster_event(event: dg.DagsterEvent) -> dg.DagsterEvent:
    """``event`` with its message and the errors of its data redacted."""
    return event._replace(
        message=redact_text(event.message) if event.message else event.message,
        event_specific_data=_redact_data(event.event_specific_data),
    )


def redact_event(entry: EventLogEntry) -> EventLogEntry:
    """``entry`` with its message, its error and its Dagster event redacted."""
    event = entry.dagster_event
    return entry._replace(
        user_message=redact_text(entry.user_message) if entry.user_message else "",
        error_info=redact_error(entry.error_info),
        dagster_event=redact_dagster_event(event) if event is not None else None,
    )


class RedactingInstance(dg.DagsterInstance):
    """A DagsterInstance whose event log never holds a secret (dagster.yaml ``instance_class``)."""

    @classmethod
    def config_schema(cls) -> dict:
        return {}  # no settings of its own: dagster.yaml names the class, nothing more

    @classmethod
    def config_defaults(cls, base_dir: str) -> Any:
        return InstanceRef.config_defaults(base_dir)  # the storages Dagster's own class uses

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The webserver and the daemon load no yecai code but open this instance: their own
        # log lines are redacted too.
        install_log_redaction()
        super().__init__(*args, **kwargs)

    def handle_new_event(self, event: EventLogEntry, **kwargs: Any) -> None:
        super().handle_new_event(redact_event(event), **kwargs)

    def store_event(self, event: EventLogEntry) -> None:
        super().store_event(redact_event(event))
