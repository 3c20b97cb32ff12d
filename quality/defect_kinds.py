"""What the pipeline found, grouped by a defect-kind taxonomy (the scorecard's "问题类型").

Every stage reports problems in its own words: ingestion quarantines rows and writes
warnings and schema drift into batch manifests, the master-data models write
``governance.master_data_exceptions``, reconciliation writes
``governance.reconciliation_exceptions``, canonical checks fail with failing keys and the
party crosswalk unifies differently spelled companies. This module turns all of them into
``Finding`` rows of one taxonomy (the kinds below), one row per problem found, so the
scorecard can count them per kind, system and entity.

It never reads a defect log: a real company has none. Decisions (which stage's wording is
which kind, what is a follow-on of another finding, which findings are the same one) are
pure functions; the readers at the bottom are thin.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.lake import scan
from quality.results import CheckResult
from quality.sql_rules import quote_ident
from yecai import build_warehouse
from yecai.settings import Paths

# kind -> (中文, what finds it). The order is the order on the scorecard.
KINDS: dict[str, tuple[str, str]] = {
    "duplicate_row": (
        "重复记录",
        "quarantine (duplicate key in a batch), party de-duplication, CRM deals entered twice",
    ),
    "missing_key": ("缺失关键字段", "quarantine (missing key), manifest warnings, master data"),
    "invalid_uscc": ("统一社会信用代码无效", "canonical check, master data exceptions"),
    "invalid_national_id": ("身份证号无效", "canonical check on employees"),
    "unbalanced_voucher": ("凭证借贷不平", "reconciliation (voucher level)"),
    "unmapped_code": ("编码未映射", "master data exceptions (account / category mapping)"),
    "cross_system_alias": ("跨系统别名", "party crosswalk: one company, different names"),
    "wrong_amount": ("入账金额错误", "reconciliation: amount differs from the document"),
    "wrong_account": ("入账科目错误", "reconciliation: account differs from the posting rule"),
    "not_booked": ("业务未入账", "reconciliation: document with no voucher"),
    "booked_without_document": ("无单据入账", "reconciliation: voucher with no document"),
    "intercompany_mismatch": (
        "内部往来不符",
        "reconciliation: the two sides of an intercompany invoice disagree",
    ),
    "deleted_record": ("已删除记录", "ingestion: deleted / soft-deleted rows (tombstones)"),
    "schema_drift": ("结构漂移", "ingestion: renamed / added / retyped columns in manifests"),
    "late_arriving": (
        "迟到数据",
        "raw-zone history: first landed after the extraction had passed its period",
    ),
    "retroactive_change": (
        "追溯修改",
        "raw-zone history: a completed record changed after its period had passed",
    ),
    "late_or_retroactive": (
        "迟到或追溯修改（无法区分）",
        "first extract of a system with no creation time: written after its period ended",
    ),
}
# Kinds a snapshot alone cannot tell from normal business. None left: late and retroactive
# rows are read from the raw zone's version history (governance.late_and_retroactive_changes).
NOT_CLASSIFIABLE: dict[str, tuple[str, str]] = {}
BEYOND_SAMPLE = "check (beyond its failing-key sample)"
FOLLOW_ON = "follow_on"  # a consequence of another finding, shown but not counted as a defect

# Reconciliation exception types that are totals or consequences of other findings:
# control accounts vs subledgers, vouchers on accounts that have no group mapping.
# An intercompany pair's balances are the total of its invoices' differences (and of other findings).
_FOLLOW_ON_TYPES = {"subledger_differs", "unmapped_account", "intercompany_balance_differs"}
# Reconciliation exception types that are themselves a defect kind.
_RECONCILIATION_KINDS = {
    "missing_booking": "not_booked",
    "amount_differs": "wrong_amount",
    "account_differs": "wrong_account",
    "booked_without_document": "booked_without_document",
    "unbalanced_voucher": "unbalanced_voucher",
    "intercompany_amount_differs": "intercompany_mismatch",
    "intercompany_period_differs": "intercompany_mismatch",
    "intercompany_counterpart_missing": "intercompany_mismatch",
}
# Codes ingestion writes beside each quarantine reason (``_reason_code``, see
# ingestion/validation.py REASON_CODES) and beside each manifest warning (``warning_codes``)
# that are a defect kind. Other codes (a value of the wrong type, a blank required column,
# schema drift, a row the reader could not read) are no kind of this taxonomy: drift is
# counted from the manifest.
_QUARANTINE_CODE_KINDS = {"duplicate_row": "duplicate_row", "missing_key": "missing_key"}
_WARNING_CODE_KINDS = {"missing_reference": "missing_key"}
# Canonical check names (prefix before "__column") that find a defect kind.
_CHECK_KINDS = {
    "national_id_check_digit": "invalid_national_id",
    "uscc_check_digit": "invalid_uscc",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    system: str
    entity: str
    key: str
    found_by: str
    detail: str = ""


@dataclass(frozen=True)
class KindCount:
    kind: str
    system: str
    entity: str
    count: int


# --- pure decisions ------------------------------------------------------------------
def kind_of_quarantine_code(code: str) -> str | None:
    """The defect kind of one quarantine reason code, or None when it is no kind of the
    taxonomy. Classified by the code ingestion wrote, never by the reason's wording."""
    return _QUARANTINE_CODE_KINDS.get(code.strip())


def kind_of_warning_code(code: str | None) -> str | None:
    """Manifest warnings keep a row but name a problem; their code says which."""
    return _WARNING_CODE_KINDS.get(code or "")


def kind_of_check(check: str) -> str | None:
    return _CHECK_KINDS.get(check.split("__", 1)[0])


def kind_of_reconciliation(
    exception_type: str,
    document_key: str,
    incomplete_documents: set[str],
    voucher_unbalanced: bool = False,
) -> str:
    """The defect kind of one reconciliation exception, or FOLLOW_ON.

    Follow-ons are real differences whose cause is another finding, so counting them again
    would double count one defect: an amount that differs only because the document's voucher
    is itself unbalanced (``voucher_unbalanced``: an ``unbalanced_voucher`` exception on the same
    document); a document built from source rows that were quarantined
    (payroll per cost centre and period); control-account and unmapped-account differences,
    which are totals of document-level findings and of unmapped codes / missing accounts.
    """
    if exception_type in _FOLLOW_ON_TYPES:
        return FOLLOW_ON
    # a type this taxonomy does not know yet shows under its own name rather than vanish
    kind = _RECONCILIATION_KINDS.get(exception_type, exception_type)
    if kind == "wrong_amount" and voucher_unbalanced:
        return FOLLOW_ON
    if kind in ("wrong_amount", "booked_without_document") and document_key in (
        incomplete_documents
    ):
        return FOLLOW_ON
    return kind


def kind_of_history(
    kind: str, record: tuple[str, str, str], duplicate_copies: set[tuple[str, str, str]]
) -> str:
    """The kind of a late / retroactive version, or FOLLOW_ON for a duplicate copy.

    A deal keyed in a second time is created after the first, often after its close date:
    its lateness is how the duplicate shows, not a second defect. ``record`` and the copies
    are (system, entity, key).
    """
    return FOLLOW_ON if record in duplicate_copies else kind


# Faults a duplicate copy inherits from the record it copies. Not an invalid USCC: a copy's
# code is typed again and can be wrong on its own (and a false duplicate must not hide it).
_CARRIED_BY_COPIES = {"missing_key"}


def copies_as_follow_ons(findings: list[Finding]) -> list[Finding]:
    """A missing reference on a record that is itself a duplicate copy becomes a follow-on.

    A deal keyed in twice without its account is one missing account, found on the first;
    merging the copy fixes it, so it is shown but not counted again.
    """
    copies = {(f.system, f.entity, f.key) for f in findings if f.kind == "duplicate_row"}
    return [
        Finding(FOLLOW_ON, f.system, f"{f.kind}: {f.entity}", f.key, f.found_by, f.detail)
        if f.kind in _CARRIED_BY_COPIES and (f.system, f.entity, f.key) in copies
        else f
        for f in findings
    ]


def strip_system(key: str) -> str:
    """``erp:C000148`` (a canonical key) → ``C000148`` (the source system's own key)."""
    return key.split(":", 1)[1] if ":" in key else key


def check_findings(results: list[CheckResult]) -> list[Finding]:
    """Findings of the failing canonical checks that detect a defect kind (failing keys)."""
    out = []
    for r in results:
        kind = kind_of_check(r.check)
        if kind is None or r.success:
            continue
        for row in r.failing_keys:
            system = str(row.get("source_system") or "(warehouse)")
            # the row's identifying column: a canonical key, else a code / id / pk column
            key_col = next((c for c in row if c.endswith("_key")), None) or next(
                (c for c in row if c.endswith(("_code", "_id", "_pk"))), None
            )
            key = strip_system(str(row[key_col])) if key_col else json.dumps(row, default=str)
            out.append(Finding(kind, system, r.asset, key, f"check {r.check}"))
        # failing keys are a sample: the rows beyond it are findings too, without a key
        for i in range(max(0, (r.unexpected_count or 0) - len(r.failing_keys))):
            systems = {str(k.get("source_system")) for k in r.failing_keys}
            system = systems.pop() if len(systems) == 1 else "(beyond sample)"
            out.append(Finding(kind, system, r.asset, f"{r.check}#{i}", BEYOND_SAMPLE))
    return out


def alias_findings(
    crosswalk: list[tuple[str, str, str, str, str]], duplicates: set[tuple[str, str]]
) -> list[Finding]:
    """One finding per unified party whose records in different systems carry different names.

    ``crosswalk`` rows are (unified_party_code, system, entity, source_code, party_name).
    Records already found as duplicates within their system are left out: a duplicate
    spelled differently is a duplicate_row, not a cross-system alias.
    """
    groups: dict[str, list[tuple[str, str, str, str]]] = {}
    for unified, system, entity, code, name in crosswalk:
        if (system, code) in duplicates:
            continue
        groups.setdefault(unified, []).append((system, entity, code, name))
    out = []
    for unified, members in sorted(groups.items()):
        systems = {m[0] for m in members}
        names = {m[3] for m in members}
        if len(systems) > 1 and len(names) > 1:
            detail = "; ".join(f"{s}:{c} {n}" for s, _, c, n in sorted(members))
            out.append(
                Finding(
                    "cross_system_alias",
                    "+".join(sorted(systems)),
                    "parties",
                    unified,
                    "master.party_crosswalk",
                    detail,
                )
            )
    return out


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (kind, system, key): stages that see the same problem count it once.

    The first stage to report it keeps it (callers list the most specific stage first).
    """
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in findings:
        ident = (f.kind, f.system, f.key)
        if ident in seen:
            continue
        seen.add(ident)
        out.append(f)
    return out


def count_by_kind(findings: list[Finding]) -> list[KindCount]:
    """Counts per kind, system and entity, in taxonomy order (follow-ons last)."""
    order = {k: i for i, k in enumerate([*KINDS, *NOT_CLASSIFIABLE, FOLLOW_ON])}
    counts = Counter((f.kind, f.system, f.entity) for f in findings)
    return [
        KindCount(k, s, e, n)
        for (k, s, e), n in sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0]))
    ]


def totals_by_kind(findings: list[Finding]) -> dict[str, int]:
    totals = Counter(f.kind for f in findings if f.kind != FOLLOW_ON)
    return {k: totals.get(k, 0) for k in KINDS} | {
        k: n for k, n in totals.items() if k not in KINDS
    }


# --- reads ---------------------------------------------------------------------------
def _manifests(paths: Paths) -> list[dict]:
    out = []
    for f in sorted(paths.raw.glob("*/*/batch=*/manifest.json")):
        try:
            out.append(json.loads(f.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            continue  # a batch being written; the next scorecard sees it
    return out


def manifest_findings(manifests: list[dict]) -> list[Finding]:
    """Schema drift (one per change per export) and warnings kept with the rows."""
    out = []
    for m in manifests:
        system, entity = m.get("source", ""), m.get("entity", "")
        where = Path(m.get("source_file") or "").name or m.get("batch_id", "")
        for drift in m.get("schema_drift") or []:
            cols = ",".join(drift.get("columns") or [])
            out.append(
                Finding(
                    "schema_drift",
                    system,
                    entity,
                    f"{where}:{drift.get('change')}:{cols}",
                    "batch manifest",
                    drift.get("detail", ""),
                )
            )
        codes = m.get("warning_codes") or {}
        for reason, keys in (m.get("warnings") or {}).items():
            kind = kind_of_warning_code(codes.get(reason))
            for key in keys if kind else []:
                out.append(Finding(kind, system, entity, str(key), "batch manifest", reason))
    return out


def _quarantine_rows(paths: Paths) -> list[tuple]:
    if not list(paths.quarantine.glob("*/*/batch=*/*.parquet")):
        return []
    glob = str(paths.quarantine / "*" / "*" / "batch=*" / "*.parquet")
    con = duckdb.connect()
    try:
        source = scan(
            con, paths, glob, filename="true", union_by_name="true", hive_partitioning="false"
        )
        rel = con.sql(f"select * from {source}")
        cols = set(rel.columns)

        def col(name: str) -> str:  # a column some quarantine file lacks reads as NULL
            return f"cast({quote_ident(name)} as varchar)" if name in cols else "null"

        return con.execute(
            "select split_part(filename, '/', -4), split_part(filename, '/', -3), "
            f"coalesce({col('_source_pk')}, ''), coalesce({col('_batch_id')}, ''), "
            f"coalesce({col('_reason')}, ''), coalesce({col('_reason_code')}, ''), "
            f"{col('cost_center')}, {col('period')}, "
            f"{col('_row_number')} from rel"
        ).fetchall()
    finally:
        con.close()


def quarantine_findings(rows: list[tuple]) -> tuple[list[Finding], set[str]]:
    """Quarantined rows as findings (one per row and reason), and the documents they leave
    incomplete (``cost_center|period``: payroll is booked per cost centre and period)."""
    out: list[Finding] = []
    incomplete: set[str] = set()
    for system, entity, pk, batch, reasons, codes, cost_center, period, row in rows:
        kinds = [kind_of_quarantine_code(c) for c in codes.split(";") if c.strip()]
        for kind in dict.fromkeys(k for k in kinds if k):
            # a copy of a row: whatever else is wrong with it is wrong with the row it copies,
            # found there; the copy itself is the duplicate
            if "duplicate_row" in kinds and kind != "duplicate_row":
                continue
            # a quarantined row is its own finding: the same key repeated in two exports
            # (or twice in one) is two defects, so batch and row number are in the key
            key = f"{pk}@{batch}#{row or ''}"
            out.append(Finding(kind, system, entity, key, "quarantine", reasons))
        if cost_center and period:
            incomplete.add(f"{cost_center}|{period}")
    return out, incomplete


def deleted_findings(paths: Paths) -> list[Finding]:
    """Rows the raw zone marks deleted (tombstones of hard deletes, soft-deleted rows)."""
    if not list(paths.raw.glob("*/*/batch=*/*.parquet")):
        return []
    glob = str(paths.raw / "*" / "*" / "batch=*" / "*.parquet")
    con = duckdb.connect()
    try:
        source = scan(
            con, paths, glob, filename="true", union_by_name="true", hive_partitioning="false"
        )
        rows = con.execute(
            "select distinct split_part(filename, '/', -4), split_part(filename, '/', -3), "
            f"_source_pk from {source} where _is_deleted"
        ).fetchall()
    except duckdb.Error:
        return []  # no _is_deleted column anywhere yet
    finally:
        con.close()
    return [Finding("deleted_record", s, e, str(k), "raw zone (_is_deleted)") for s, e, k in rows]


def _rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> list[tuple]:
    """``columns`` of every row of ``table``; a column the table lacks reads as NULL, a
    missing table as no rows (older warehouses, hand-made test warehouses)."""
    schema, name = table.split(".")
    have = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    }
    if not have:
        return []
    select = ", ".join(quote_ident(c) if c in have else "null" for c in columns)
    return con.execute(f"select {select} from {table}").fetchall()


def warehouse_findings(db: Path, incomplete: set[str]) -> tuple[list[Finding], list[Finding]]:
    """(master-data and reconciliation findings, cross-system aliases) from the warehouse."""
    if not db.exists():
        return [], []
    con = build_warehouse.connect(db)
    found: list[Finding] = []
    try:
        for system, entity, code, kind, reason in _rows(
            con,
            "governance.master_data_exceptions",
            ["source_system", "entity", "code", "kind", "reason"],
        ):
            found.append(
                Finding(
                    str(kind or "(none)"),
                    str(system),
                    str(entity),
                    str(code),
                    "master data",
                    reason or "",
                )
            )
        reconciliation = _rows(
            con,
            "governance.reconciliation_exceptions",
            [
                "exception_id",
                "exception_type",
                "check_level",
                "source_system",
                "document_type",
                "document_source_id",
                "voucher_source_id",
                "reason",
                "document_key",
            ],
        )
        # vouchers held out unbalanced (voucher-level exceptions), and their documents
        held = [r for r in reconciliation if r[1] == "unbalanced_voucher"]
        unbalanced = {str(r[6]) for r in held if r[6]} | {f"doc:{r[8]}" for r in held if r[8]}
        for i, (
            exc_id,
            etype,
            level,
            system,
            doc_type,
            doc_id,
            voucher_id,
            reason,
            doc_key,
        ) in enumerate(reconciliation):
            doc_id = doc_id or doc_key
            own_voucher_unbalanced = str(voucher_id) in unbalanced or f"doc:{doc_key}" in unbalanced
            kind = kind_of_reconciliation(
                str(etype), doc_id or "", incomplete, own_voucher_unbalanced
            )
            voucher_level = kind in ("unbalanced_voucher", "booked_without_document")
            key = (voucher_id if voucher_level else doc_id) or doc_id or voucher_id or ""
            entity = doc_type or level or ""
            if kind == FOLLOW_ON:  # each follow-on row is its own finding
                entity, key = f"{etype}: {entity}", str(exc_id or i)
            found.append(
                Finding(
                    kind, str(system or "(group)"), entity, str(key), "reconciliation", reason or ""
                )
            )
        for system, entity, key, reason in _rows(
            con,
            "governance.duplicate_opportunities",
            ["source_system", "entity", "record_key", "reason"],
        ):
            found.append(
                Finding(
                    "duplicate_row", str(system), str(entity), str(key), "duplicate deals", reason
                )
            )
        copies = {(f.system, f.entity, f.key) for f in found if f.kind == "duplicate_row"}
        # one finding per late or changed version: a record edited again in a later batch is
        # a second retroactive change, so the batch is part of the key
        for system, entity, key, batch, kind, reason in _rows(
            con,
            "governance.late_and_retroactive_changes",
            ["source_system", "entity", "record_key", "batch_id", "kind", "reason"],
        ):
            kind = kind_of_history(str(kind), (str(system), str(entity), str(key)), copies)
            shown = f"{entity}" if kind != FOLLOW_ON else f"late or retroactive: {entity}"
            found.append(
                Finding(
                    kind,
                    str(system),
                    shown,
                    f"{key}@{batch}",
                    "raw-zone history",
                    reason or "",
                )
            )
        duplicates = {(f.system, f.key) for f in found if f.kind == "duplicate_row"}
        crosswalk = _rows(
            con,
            "master.party_crosswalk",
            [
                "unified_party_code",
                "source_system",
                "source_entity",
                "party_source_code",
                "party_name",
            ],
        )
        aliases = alias_findings([tuple(map(str, r)) for r in crosswalk], duplicates)
    finally:
        con.close()
    return found, aliases


def collect_findings(paths: Paths, db: Path, latest: list[CheckResult]) -> list[Finding]:
    """Everything the pipeline found, in the taxonomy, each problem once."""
    quarantined, incomplete = quarantine_findings(_quarantine_rows(paths))
    warehouse, aliases = warehouse_findings(db, incomplete)
    # most specific stage first: master data names the source entity, checks only the asset
    found = [
        *quarantined,
        *warehouse,
        *manifest_findings(_manifests(paths)),
        *check_findings(latest),
        *deleted_findings(paths),
        *aliases,
    ]
    # Unkeyed check failures beyond the sample count only when no other stage reports the
    # kind (with keys, so it is complete there); else they would double count.
    stages = {f.kind for f in found if not f.found_by.startswith("check ")}
    found = [f for f in found if f.found_by != BEYOND_SAMPLE or f.kind not in stages]
    return copies_as_follow_ons(dedupe(found))
