{#- 利润表 in the CAS layout: one row per entity × period × line, for every legal entity and the
    consolidated GROUP. amount = year to date through the period (本年累计); comparative_amount
    = the same months of the previous year (上年同期累计). -#}

{{ cas_statement('income_statement', 'ytd_movement') }}
