"""Marts suites: the finance invariants, master-data golden records, governance tables.

Each invariant is an unexpected-rows query over ``{batch}`` (the whole table): the
rows it returns are exactly the failing keys, so a failure says where, not just how many.
Sign convention (written down once, here and in the finance marts): balances are
debit-positive, so a trial balance's closing balances sum to zero.
"""

from __future__ import annotations

from quality.catalog import Catalog
from quality.checks import Asset, Check, Dimension, Layer, Severity
from quality.params import QualityParams
from quality.sql_rules import PERIOD_REGEX, quote_literal, uscc_is_valid_sql

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

GL_COLUMNS = (
    "voucher_id",
    "entity_code",
    "period",
    "account_code",
    "debit",
    "credit",
    "source_system",
    "source_document_id",
    "batch_id",
)
TB_COLUMNS = (
    "entity_code",
    "period",
    "account_code",
    "opening_balance",
    "debit",
    "credit",
    "closing_balance",
)
STATEMENT_COLUMNS = (
    "entity_code",
    "period",
    "line_code",
    "line_name_zh",
    "line_name_en",
    "amount",
    "comparative_amount",
)
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


def decimal_type_sql(columns: tuple[str, ...], type_name: str = "DECIMAL(18,2)") -> str:
    """Unexpected rows: one per money column whose DuckDB type is not ``type_name``."""
    parts = [
        f"select {quote_literal(c)} as column_name, typeof({c}) as actual_type "
        f"from (select {c} from {{batch}} limit 1) where typeof({c}) <> {quote_literal(type_name)}"
        for c in columns
    ]
    return " union all ".join(parts)


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
    add(
        GL,
        "contract_columns",
        "columns_present",
        D.COMPLETENESS,
        B,
        "GL lines carry every contract column",
        args={"columns": GL_COLUMNS},
    )
    for col in ("voucher_id", "entity_code", "period", "account_code", "debit", "credit"):
        add(
            GL,
            f"{col}_not_null",
            "not_null",
            D.COMPLETENESS,
            B,
            f"every GL line has {col}",
            column=col,
        )
    for col in ("source_system", "batch_id"):
        add(
            GL,
            f"traceable_{col}",
            "not_null",
            D.COMPLETENESS,
            B,
            f"every GL line traces back to its {col} (可追溯)",
            column=col,
        )
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
    add(
        GL,
        "money_is_decimal_18_2",
        "sql",
        D.VALIDITY,
        B,
        "debit and credit are decimal(18,2), never float",
        args={"sql": decimal_type_sql(("debit", "credit"))},
    )
    add(
        GL,
        "voucher_balanced",
        "sql",
        D.ACCURACY,
        B,
        "debits = credits per voucher",
        args={
            "sql": (
                "select entity_code, voucher_id, sum(debit) as total_debit, "
                "sum(credit) as total_credit, sum(debit) - sum(credit) as difference "
                "from {batch} group by entity_code, voucher_id "
                f"having abs(sum(debit) - sum(credit)) > {tol} order by entity_code, voucher_id"
            )
        },
    )

    # --- finance.trial_balance ---------------------------------------------------------
    add(
        TB,
        "contract_columns",
        "columns_present",
        D.COMPLETENESS,
        B,
        "trial balance carries every contract column",
        args={"columns": TB_COLUMNS},
    )
    add(
        TB,
        "unique_entity_period_account",
        "unique",
        D.UNIQUENESS,
        B,
        "one row per entity, period and account",
        args={"columns": ("entity_code", "period", "account_code")},
    )
    add(
        TB,
        "money_is_decimal_18_2",
        "sql",
        D.VALIDITY,
        B,
        "balances and movements are decimal(18,2)",
        args={"sql": decimal_type_sql(("opening_balance", "debit", "credit", "closing_balance"))},
    )
    add(
        TB,
        "movement_nets_to_zero",
        "sql",
        D.ACCURACY,
        B,
        "total debits = total credits per entity and period",
        args={
            "sql": (
                "select entity_code, period, sum(debit) - sum(credit) as difference from {batch} "
                f"group by entity_code, period having abs(sum(debit) - sum(credit)) > {tol} "
                "order by entity_code, period"
            )
        },
    )
    add(
        TB,
        "closing_nets_to_zero",
        "sql",
        D.ACCURACY,
        B,
        "closing balances (debit-positive) sum to zero per entity and period",
        args={
            "sql": (
                "select entity_code, period, sum(closing_balance) as net_closing from {batch} "
                f"group by entity_code, period having abs(sum(closing_balance)) > {tol} "
                "order by entity_code, period"
            )
        },
    )
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
        "closing_carries_to_next_opening",
        "sql",
        D.CONSISTENCY,
        B,
        "the closing balance of one period is the opening balance of the next",
        args={
            "sql": (
                "with ordered as (select entity_code, account_code, period, closing_balance, "
                "lead(period) over w as next_period, lead(opening_balance) over w as next_opening "
                "from {batch} window w as (partition by entity_code, account_code order by period)) "
                "select entity_code, account_code, period, closing_balance, next_period, "
                "next_opening from ordered "
                f"where next_period is not null and abs(closing_balance - next_opening) > {tol}"
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
            "contract_columns",
            "columns_present",
            D.COMPLETENESS,
            B,
            f"{label} carries every contract column",
            args={"columns": STATEMENT_COLUMNS},
        )
        add(
            table,
            "unique_entity_period_line",
            "unique",
            D.UNIQUENESS,
            B,
            f"one {label} line per entity and period",
            args={"columns": ("entity_code", "period", "line_code")},
        )
        add(
            table,
            "line_name_zh_not_null",
            "not_null",
            D.COMPLETENESS,
            W,
            f"every {label} line has its Chinese name",
            column="line_name_zh",
        )
    a, le = (
        quote_literal(params.total_assets_line),
        quote_literal(params.total_liabilities_equity_line),
    )
    add(
        BS,
        "assets_equal_liabilities_plus_equity",
        "sql",
        D.ACCURACY,
        B,
        "资产总计 = 负债和所有者权益总计 per entity and period (a missing total fails too)",
        args={
            "sql": (
                f"with totals as (select entity_code, period, "
                f"sum(amount) filter (where line_code = {a}) as total_assets, "
                f"sum(amount) filter (where line_code = {le}) as total_liabilities_equity "
                "from {batch} group by entity_code, period) "
                "select entity_code, period, total_assets, total_liabilities_equity, "
                "total_assets - total_liabilities_equity as difference from totals "
                "where total_assets is null or total_liabilities_equity is null "
                f"or abs(total_assets - total_liabilities_equity) > {tol} "
                "order by entity_code, period"
            )
        },
    )

    # --- master.parties ----------------------------------------------------------------
    add(
        PARTIES,
        "unified_code_not_null",
        "not_null",
        D.COMPLETENESS,
        B,
        "every golden party has a unified code",
        column=party,
    )
    add(
        PARTIES,
        "unified_code_unique",
        "unique",
        D.UNIQUENESS,
        B,
        "a unified code names one party",
        column=party,
    )
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
    for col in ("reason", "owner"):
        add(
            MDX,
            f"{col}_not_null",
            "not_null",
            D.COMPLETENESS,
            W,
            f"every master-data exception has its {col}",
            column=col,
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
        "batch_id_unique",
        "unique",
        D.UNIQUENESS,
        B,
        "one record per batch",
        column="batch_id",
    )
    add(
        BATCHES,
        "status_known",
        "in_set",
        D.VALIDITY,
        B,
        "batch status is succeeded, failed, no_change or quarantined_all",
        column="status",
        args={"value_set": ("succeeded", "failed", "no_change", "quarantined_all")},
    )
    add(
        BATCHES,
        "row_conservation",
        "sql",
        D.COMPLETENESS,
        B,
        "rows_read = rows_landed + rows_quarantined for every batch (no silent drop)",
        args={
            "sql": (
                "select batch_id, source, entity, rows_read, rows_landed, rows_quarantined from {batch} "
                "where rows_read is distinct from rows_landed + rows_quarantined order by batch_id"
            )
        },
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
