{#- 资产负债表 in the CAS layout: one row per entity × period × line, for every legal entity
    and the consolidated GROUP. amount = closing balance at period end; comparative_amount =
    closing balance at the end of the previous year (上年年末余额). Profit and loss to date is
    carried into 未分配利润, so 资产总计 = 负债和所有者权益总计 every period. -#}

{{ cas_statement('balance_sheet', 'closing_balance') }}
