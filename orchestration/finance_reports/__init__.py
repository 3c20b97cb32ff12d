"""Finance reports read from the warehouse: statement export and drill-through (追溯穿透)."""
