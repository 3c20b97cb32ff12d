"""The defects the demo injects into its source systems, and the log of each one (ground truth).

Every generator that breaks something on purpose records it here with the exact key a pipeline
would see (the source system's own primary key), so tests can check that the pipeline found
each defect, and only those. ``DefectLog.write_csv`` writes ``ground_truth.csv`` with the
columns ``kind,system,entity,key,detail``.

``system`` is the source system name used in the raw zone: "erp", "erp2", "crm", "hr".
``entity`` is the table / endpoint / export the key belongs to (e.g. "customers",
"journal_vouchers"). Composite keys are joined with ``|`` like ``_source_pk`` in the lake.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path

# --- defect kinds -----------------------------------------------------------------------------
DUPLICATE_ROW = "duplicate_row"  # the same real thing entered twice under two keys
MISSING_KEY = (
    "missing_key"  # a required reference is null (customer on an order, account on a line)
)
INVALID_USCC = "invalid_uscc"  # a unified social credit code whose check digit fails
INVALID_NATIONAL_ID = "invalid_national_id"  # an identity number whose check digit fails
UNBALANCED_VOUCHER = "unbalanced_voucher"  # a journal voucher whose debits ≠ credits
UNMAPPED_CODE = "unmapped_code"  # a local code (account, category) no group mapping covers
CROSS_SYSTEM_ALIAS = "cross_system_alias"  # same company, different id/spelling in another system
WRONG_AMOUNT = "wrong_amount"  # a document booked with an amount different from the document's
WRONG_ACCOUNT = "wrong_account"  # a document booked to the wrong account
NOT_BOOKED = "not_booked"  # a document with no voucher at all
BOOKED_WITHOUT_DOCUMENT = "booked_without_document"  # a voucher pointing at no existing document
LATE_ARRIVING = (
    "late_arriving"  # updated_at is recent but the business date is in an earlier period
)
RETROACTIVE_CHANGE = "retroactive_change"  # an old record changed later (updated_at moved)
DELETED_RECORD = "deleted_record"  # a row that existed and was physically deleted
SCHEMA_DRIFT = "schema_drift"  # a column renamed / added / retyped between exports
INTERCOMPANY_MISMATCH = "intercompany_mismatch"  # the two sides of an intercompany trade disagree
# --- changes made by ``advance`` (not defects, but the pipeline must see them too) -------------
NEW_RECORD = "new_record"
CHANGED_RECORD = "changed_record"
# --- trade between the group's own entities (not a defect: the GROUP eliminates it) -----------
INTERCOMPANY_TRANSACTION = "intercompany_transaction"

ALL_KINDS = (
    DUPLICATE_ROW,
    MISSING_KEY,
    INVALID_USCC,
    INVALID_NATIONAL_ID,
    UNBALANCED_VOUCHER,
    UNMAPPED_CODE,
    CROSS_SYSTEM_ALIAS,
    WRONG_AMOUNT,
    WRONG_ACCOUNT,
    NOT_BOOKED,
    BOOKED_WITHOUT_DOCUMENT,
    LATE_ARRIVING,
    RETROACTIVE_CHANGE,
    DELETED_RECORD,
    SCHEMA_DRIFT,
    INTERCOMPANY_MISMATCH,
    NEW_RECORD,
    CHANGED_RECORD,
    INTERCOMPANY_TRANSACTION,
)

CSV_COLUMNS = ("kind", "system", "entity", "key", "detail")


@dataclass(frozen=True)
class DefectConfig:
    """Rate of each defect kind: the probability that one eligible record gets it.

    Defaults are modest (1–2%) so the demo looks like a real, mostly clean system. Set a rate to
    0 to switch a kind off; ``DefectConfig.none()`` switches all off (clean books).
    """

    duplicate_row: float = 0.01
    missing_key: float = 0.01
    invalid_uscc: float = 0.02
    invalid_national_id: float = 0.01
    unbalanced_voucher: float = 0.002
    unmapped_code: float = 0.01
    cross_system_alias: float = 0.05
    wrong_amount: float = 0.005
    wrong_account: float = 0.005
    not_booked: float = 0.005
    booked_without_document: float = 0.002
    late_arriving: float = 0.01
    retroactive_change: float = 0.01
    deleted_record: float = 0.005
    schema_drift: float = 1.0  # per export series: whether drift happens at all
    intercompany_mismatch: float = 0.15  # per intercompany sale: the buyer books it differently

    @classmethod
    def none(cls) -> DefectConfig:
        return cls(**{f.name: 0.0 for f in fields(cls)})

    def rate(self, kind: str) -> float:
        return float(getattr(self, kind))

    def hit(self, rng: random.Random, kind: str) -> bool:
        """Draw whether one eligible record gets defect ``kind``. Always draws once, so switching
        a rate on or off does not shift the random stream of anything else drawn after it."""
        return rng.random() < self.rate(kind)


class DefectDice:
    """Draws defects for one generator, so that every kind with a non-zero rate shows up.

    Each call draws once from ``rng`` (as ``DefectConfig.hit``). If a kind has had no hit by its
    ``force_at``-th eligible record, that record gets it anyway: small demos (scale 0.01) then
    still contain every kind at least once, and large ones are unaffected.
    """

    def __init__(self, config: DefectConfig, rng: random.Random, force_at: int = 25) -> None:
        self.config = config
        self.rng = rng
        self.force_at = force_at
        self.seen: Counter = Counter()
        self.hits: Counter = Counter()

    def hit(self, kind: str) -> bool:
        rate = self.config.rate(kind)
        self.seen[kind] += 1
        drawn = self.rng.random() < rate
        if not drawn and rate > 0 and self.hits[kind] == 0 and self.seen[kind] == self.force_at:
            drawn = True
        if drawn:
            self.hits[kind] += 1
        return drawn


@dataclass(frozen=True)
class Defect:
    kind: str
    system: str
    entity: str
    key: str
    detail: str = ""


@dataclass
class DefectLog:
    """Every injected defect, in the order it was injected."""

    entries: list[Defect] = field(default_factory=list)

    def record(self, kind: str, system: str, entity: str, key: str, detail: str = "") -> None:
        if kind not in ALL_KINDS:
            raise ValueError(f"unknown defect kind {kind!r}; use a constant from demo/defects.py")
        self.entries.append(Defect(kind, system, entity, str(key), detail))

    def of_kind(self, kind: str, system: str | None = None) -> list[Defect]:
        return [
            d for d in self.entries if d.kind == kind and (system is None or d.system == system)
        ]

    def keys(self, kind: str, system: str, entity: str) -> set[str]:
        return {
            d.key for d in self.entries if (d.kind, d.system, d.entity) == (kind, system, entity)
        }

    def counts(self) -> Counter:
        return Counter(d.kind for d in self.entries)

    def extend(self, other: DefectLog) -> None:
        self.entries.extend(other.entries)

    def write_csv(self, path: Path) -> Path:
        """Write the log as UTF-8 CSV with header kind,system,entity,key,detail."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS)
            for d in self.entries:
                writer.writerow((d.kind, d.system, d.entity, d.key, d.detail))
        return path

    def append_csv(self, path: Path) -> Path:
        """Append to an existing ground truth file (``advance`` adds what it changed)."""
        if not path.exists():
            return self.write_csv(path)
        with path.open("a", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            for d in self.entries:
                writer.writerow((d.kind, d.system, d.entity, d.key, d.detail))
        return path

    @classmethod
    def read_csv(cls, path: Path) -> DefectLog:
        log = cls()
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                log.entries.append(
                    Defect(row["kind"], row["system"], row["entity"], row["key"], row["detail"])
                )
        return log
