"""What makes a dropped export file "already read": its content and the period its name gives.

Monthly exports are keyed by the period in the file name, so a file byte-identical to last
month's, dropped under this month's name, is this month's data, not a repeat: skipping it
by checksum alone loses a month without a word (docs/decisions/file-identity-and-row-faults.md).
A file whose every row was quarantined is never "read": a corrected copy, or the same file
again, is read on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingestion.batches import QUARANTINED_ALL, read_batch_records
from ingestion.connectors.files import filename_fields
from ingestion.contract import Contract
from ingestion.lake import committed_batches, read_manifest
from yecai.errors import YecaiError
from yecai.settings import Paths

Identity = tuple[str, tuple[tuple[str, str], ...]]


def name_fields(name: str, contract: Contract) -> dict[str, str]:
    """The values a file's name carries; empty when it carries none (its batch then fails
    naming the pattern, in the extract)."""
    try:
        return filename_fields(Path(name), contract)
    except YecaiError:
        return {}


def identity(sha256: str, fields: dict[str, str]) -> Identity:
    return sha256, tuple(sorted(fields.items()))


def describe_fields(fields: dict[str, str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(fields.items())) or "no period"


@dataclass
class FilesRead:
    """Identities of the files already read for one entity, and which file had each content."""

    identities: set[Identity] = field(default_factory=set)
    names_by_sha: dict[str, list[tuple[str, dict[str, str]]]] = field(default_factory=dict)

    def add(self, sha256: str, name: str | None, fields: dict[str, str]) -> None:
        self.identities.add(identity(sha256, fields))
        self.names_by_sha.setdefault(sha256, []).append((name or "?", fields))

    def seen(self, sha256: str, fields: dict[str, str]) -> bool:
        return identity(sha256, fields) in self.identities

    def same_content_note(self, name: str, sha256: str, fields: dict[str, str]) -> str | None:
        """A note when these bytes were read before for another period (a copied export?)."""
        earlier = [(n, f) for n, f in self.names_by_sha.get(sha256, []) if f != fields]
        if not earlier:
            return None
        first_name, first_fields = earlier[0]
        return (
            f"{name} is byte-identical to {first_name} ({describe_fields(first_fields)}); "
            f"read for {describe_fields(fields)} as its name says"
        )


def files_read(paths: Paths, contract: Contract) -> FilesRead:
    """Files landed (a committed manifest) or read with nothing new (a no_change record).

    Batches whose every row was quarantined are left out, so their file is read again.
    Records written before the fields were recorded get them from the file name kept.
    """
    out = FilesRead()
    source, entity = contract.source, contract.entity
    for batch in committed_batches(paths, source, entity):
        manifest = read_manifest(batch)
        sha = manifest.get("source_file_sha256")
        record = manifest.get("batch") or {}
        if not sha or record.get("status") == QUARANTINED_ALL:
            continue
        name = Path(manifest.get("source_file") or "").name or None
        out.add(sha, name, _fields(record, name, contract))
    for record in read_batch_records(paths):
        same = (record["source"], record["entity"]) == (source, entity)
        sha = record.get("source_file_sha256")
        if same and record["status"] == "no_change" and sha:
            name = record.get("source_file")
            out.add(sha, name, _fields(record, name, contract))
    return out


def _fields(record: dict, name: str | None, contract: Contract) -> dict[str, str]:
    if "source_file_fields" in record:
        return dict(record["source_file_fields"] or {})
    return name_fields(name, contract) if name else {}
