"""Marts suites: the rules dbt does not state (see docs/decisions/one-rule-one-place.md).

dbt's contracts and tests gate the build (columns and types, keys, not-null, accepted values,
balanced vouchers, nets to zero, closing carries to next opening, 资产 = 负债 + 权益, rows
conserved), so a GX check of the same rule could never fail; quality/rule_overlap.py keeps
them apart. What stays here: traceability, validity (period format, no negative sides),
row-level and cross-table arithmetic (closing = opening + movement, trial balance = GL),
party code quality, governance-table completeness and source freshness.

Each invariant is an unexpected-rows query over ``{batch}`` (the whole table): the
rows it returns are exactly the failing keys, so a failure says where, not just how many.
Sign convention (written down once, here and in the finance marts): balances are
debit-positive, so a trial balance's closing balances sum to zero.
"""

from __future__ import annotations

from quality.catalog import Catalog
from quality.checks import Asset, Check, Dimension, Layer, Severity
from quality.params import QualityParams
from quality.sql_rules import PERIOD_REGEX, uscc_is_valid_sql

L = Layer.MARTS
B, W = Severity.BLOCKING, Severity.WARNING
D = Dimension

GL = "finance.gl_lines"
TB = "finance.trial_balance"
BS = "finance.balance_sheet"
IS = "finance.income_statement"
PARTIES = "master.parties"
MDX = "governance.master_data_exceptions"
BATCHES = "governance.ingestion_batches"

MDX_COLUMNS = ("source_system", "entity", "code", "kind", "reason", "owner", "first_seen")
BATCH_COLUMNS = (
    "batch_id",
    "source",
    "entity",
    "started_at",
    "finished_at",
    "status",
    "rows_read",
    "rows_landed",
    "rows_quarantined",
    "watermark",
)


def assets() -> list[Asset]:
    def table(name: str, keys: tuple[str, ...]) -> Asset:
        return Asset(name=name, layer=L, query=f"select * from {name}", keys=keys)

    return [
        table(GL, ("entity_code", "voucher_id", "gl_line_id", "account_code")),
        table(TB, ("entity_code", "period", "account_code")),
        table(BS, ("entity_code", "period", "line_code")),
        table(IS, ("entity_code", "period", "line_code")),
        table(PARTIES, ("unified_party_code", "unified_code")),
        table(MDX, ("source_system", "entity", "code", "kind")),
        table(BATCHES, ("batch_id",)),
    ]


def party_code_column(catalog: Catalog | None) -> str:
    """The golden party's unified code column: ``unified_party_code`` in the master models
    (the issue called it ``unified_code``; accept either)."""
    if catalog is not None and catalog.has_column(PARTIES, "unified_party_code"):
        return "unified_party_code"
    if catalog is not None and catalog.has_column(PARTIES, "unified_code"):
        return "unified_code"
    return "unified_party_code"


def checks(params: QualityParams, catalog: Catalog | None = None) -> list[Check]:
    """The marts checks; ``catalog`` adapts them to optional columns of the built models."""
    tol = params.tolerance
    party = party_code_column(catalog)
    # Balances brought forward are GL lines that enter the opening balance, not the movement.
    movement_filter = (
        "where not coalesce(is_opening_balance, false) "
        if catalog is not None and catalog.has_column(GL, "is_opening_balance")
        else ""
    )
    out: list[Check] = []

    def add(asset: str, name: str, kind: str, dim: D, sev: Severity, desc: str, **kw) -> None:
        domain = asset.split(".")[0]
        owner = {"finance": "finance", "master": "master-data", "governance": "data-engineering"}[
            domain
        ]
        out.append(Check(asset, name, kind, dim, domain, owner, sev, desc, **kw))

    # --- finance.gl_lines ---------------------------------------------------------------
    if catalog is not None and catalog.has_column(GL, "voucher_source_id"):
        # Manual journals have no business document by design; they trace to the voucher.
        add(
            GL,
            "traceable_source_document_id",
            "sql",
            D.COMPLETENESS,
            B,
            "every GL line traces to its business document, or (manual journal) its source voucher",
            args={
                "sql": (
                    "select entity_code, voucher_id, account_code from {batch} "
                    "where source_document_id is null and voucher_source_id is null"
                )
            },
        )
    else:
        add(
            GL,
            "traceable_source_document_id",
            "not_null",
            D.COMPLETENESS,
            B,
            "every GL line traces back to its source document (可追溯)",
            column="source_document_id",
        )
    add(
        GL,
        "period_format",
        "regex",
        D.VALIDITY,
        B,
        "period is YYYY-MM",
        column="period",
        args={"regex": PERIOD_REGEX},
    )
    for col in ("debit", "credit"):
        add(
            GL,
            f"{col}_not_negative",
            "between",
            D.VALIDITY,
            B,
            f"{col} is zero or positive (the side carries the sign)",
            column=col,
            args={"min_value": 0},
        )

    # --- finance.trial_balance ---------------------------------------------------------
    add(
        TB,
        "closing_equals_opening_plus_movement",
        "sql",
        D.ACCURACY,
        B,
        "closing = opening + debit - credit on every row",
        args={
            "sql": (
                "select entity_code, period, account_code, opening_balance, debit, credit, "
                "closing_balance from {batch} "
                f"where abs(opening_balance + debit - credit - closing_balance) > {tol}"
            )
        },
    )
    add(
        TB,
        "movement_matches_gl",
        "sql",
        D.CONSISTENCY,
        B,
        "trial-balance movements equal the GL lines behind them",
        args={
            "sql": (
                "with gl as (select entity_code, period, account_code, sum(debit) as debit, "
                f"sum(credit) as credit from finance.gl_lines {movement_filter}group by all), "
                "tb as (select entity_code, period, account_code, debit, credit from {batch}) "
                "select coalesce(tb.entity_code, gl.entity_code) as entity_code, "
                "coalesce(tb.period, gl.period) as period, "
                "coalesce(tb.account_code, gl.account_code) as account_code, "
                "tb.debit as tb_debit, gl.debit as gl_debit, tb.credit as tb_credit, "
                "gl.credit as gl_credit from tb full outer join gl "
                "on tb.entity_code = gl.entity_code and tb.period = gl.period "
                "and tb.account_code = gl.account_code "
                f"where abs(coalesce(tb.debit, 0) - coalesce(gl.debit, 0)) > {tol} "
                f"or abs(coalesce(tb.credit, 0) - coalesce(gl.credit, 0)) > {tol}"
            )
        },
    )

    # --- statements --------------------------------------------------------------------
    for table, label in ((BS, "balance sheet"), (IS, "income statement")):
        add(
            table,
            "line_name_zh_not_null",
            "not_null",
            D.COMPLETENESS,
            W,
            f"every {label} line has its Chinese name",
            column="line_name_zh",
        )

    # --- master.parties ----------------------------------------------------------------
    add(
        PARTIES,
        "uscc_check_digit",
        "sql",
        D.VALIDITY,
        W,
        "unified social credit code passes the GB 32100-2015 check digit",
        args={
            "sql": (
                f"select {party}, unified_social_credit_code from {{batch}} "
                "where unified_social_credit_code is not null and not coalesce("
                f"{uscc_is_valid_sql('unified_social_credit_code')}, false)"
            )
        },
    )
    add(
        PARTIES,
        "uscc_unique",
        "sql",
        D.UNIQUENESS,
        W,
        "one golden party per unified social credit code (else matching missed a merge)",
        args={
            "sql": (
                "select unified_social_credit_code, count(*) as parties, "
                f"string_agg({party}, ',' order by {party}) as unified_codes from {{batch}} "
                "where unified_social_credit_code is not null "
                "group by unified_social_credit_code having count(*) > 1"
            )
        },
    )

    # --- governance --------------------------------------------------------------------
    add(
        MDX,
        "contract_columns",
        "columns_present",
        D.COMPLETENESS,
        B,
        "master-data exceptions carry every contract column",
        args={"columns": MDX_COLUMNS},
    )
    add(
        BATCHES,
        "contract_columns",
        "columns_present",
        D.COMPLETENESS,
        B,
        "batch records carry every contract column",
        args={"columns": BATCH_COLUMNS},
    )
    add(
        BATCHES,
        "sources_fresh",
        "sql",
        D.TIMELINESS,
        W,
        f"every source landed a batch in the last {params.max_batch_age_days} days",
        args={
            "sql": (
                "select source, max(try_cast(finished_at as timestamptz)) as last_success from {batch} "
                "where status in ('succeeded', 'no_change') group by source having "
                "max(try_cast(finished_at as timestamptz)) < now() - "
                f"interval {int(params.max_batch_age_days)} day"
            )
        },
    )
    return out
