-- The group ERP of the demo company (entities E01 "1000" and E02 "2000").
--
-- Portable DDL: loads unchanged into SQLite, PostgreSQL and MariaDB. Statements are separated by
-- a semicolon at the end of a line, and comments never contain one, so a loader may split on it.
--
-- Conventions of this ERP (not of yecai):
--   * It speaks its own codes: company codes 1000 / 2000, customer numbers C000123, vendor
--     numbers V00123, material numbers M100042, material groups MG10.., local account numbers
--     that differ between the two companies (1000 uses 6/8-digit CAS-style accounts such as
--     112201, 2000 still uses the old 2001 chart with dotted sub-accounts such as 1131 / 2171.01.05).
--   * Money is DECIMAL(18,2). In SQLite it is stored with NUMERIC affinity: read it as text or
--     go through str() before Decimal to keep it exact. Exchange and tax rates are DECIMAL(18,8).
--   * Every table has a primary key and updated_at (UTC), which moves whenever the row changes:
--     extractors use it as the incremental cursor.
--   * Journal lines: debit / credit are in the company's functional currency (CNY), never both
--     non-zero on one line; debit_tc / credit_tc are the same amounts in the transaction
--     currency, with exchange_rate = functional per one unit of transaction currency.
--   * Deleted documents are physically deleted (no soft-delete flag): detect them by comparing keys.

-- The demo's own clock: the business date the company has reached (see demo.erp.advance).
CREATE TABLE demo_clock (
    clock_id INTEGER NOT NULL PRIMARY KEY,          -- always 1
    demo_date DATE NOT NULL,                        -- last business day generated
    seed INTEGER NOT NULL,                          -- seed the data was generated from
    scale DECIMAL(18,8) NOT NULL,                   -- scale the data was generated at
    advance_count INTEGER NOT NULL,                 -- how many times advance() ran
    updated_at TIMESTAMP NOT NULL
);

-- Legal entities kept in this ERP.
CREATE TABLE companies (
    company_code VARCHAR(10) NOT NULL PRIMARY KEY,  -- 1000, 2000
    company_name VARCHAR(200) NOT NULL,
    country VARCHAR(2) NOT NULL,
    currency VARCHAR(3) NOT NULL,                   -- functional currency
    tax_id VARCHAR(18),                             -- unified social credit code
    city VARCHAR(50),
    updated_at TIMESTAMP NOT NULL
);

-- Local chart of accounts, one per company (the two charts differ).
CREATE TABLE chart_of_accounts (
    company_code VARCHAR(10) NOT NULL,
    account_no VARCHAR(20) NOT NULL,                -- local account number
    account_name VARCHAR(100) NOT NULL,             -- Chinese name, 一级-二级 style
    account_type VARCHAR(10) NOT NULL,              -- ASSET LIABILITY EQUITY COST REVENUE EXPENSE
    balance_side VARCHAR(1) NOT NULL,               -- D or C: the normal side
    parent_account_no VARCHAR(20),                  -- summary account above it, if any
    is_postable INTEGER NOT NULL,                   -- 1 = lines may post to it
    created_on DATE NOT NULL,                       -- accounts opened mid-year have a later date
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (company_code, account_no)
);

-- Customer master (shared by both companies).
CREATE TABLE customers (
    customer_no VARCHAR(10) NOT NULL PRIMARY KEY,   -- C000123
    customer_name VARCHAR(200) NOT NULL,
    tax_id VARCHAR(18),                             -- unified social credit code, may be invalid
    customer_group VARCHAR(4) NOT NULL,             -- Z1 key account, Z2 SME, Z3 distributor, Z4 government
    country VARCHAR(2) NOT NULL,
    province VARCHAR(50),
    city VARCHAR(50),
    address VARCHAR(300),
    contact_person VARCHAR(50),
    phone VARCHAR(30),
    currency VARCHAR(3) NOT NULL,
    payment_terms VARCHAR(4) NOT NULL,              -- NT30, NT45, NT60, NT90
    credit_limit DECIMAL(18,2) NOT NULL,
    sales_rep_user VARCHAR(10),                     -- erp_users.user_id
    is_blocked INTEGER NOT NULL,
    created_on DATE NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Vendor master (shared by both companies).
CREATE TABLE vendors (
    vendor_no VARCHAR(10) NOT NULL PRIMARY KEY,     -- V00123
    vendor_name VARCHAR(200) NOT NULL,
    tax_id VARCHAR(18),
    vendor_group VARCHAR(4) NOT NULL,               -- K1 raw material, K2 services, K3 logistics
    country VARCHAR(2) NOT NULL,
    province VARCHAR(50),
    city VARCHAR(50),
    address VARCHAR(300),
    contact_person VARCHAR(50),
    phone VARCHAR(30),
    bank_name VARCHAR(50),
    bank_account VARCHAR(30),
    currency VARCHAR(3) NOT NULL,
    payment_terms VARCHAR(4) NOT NULL,
    created_on DATE NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Material master.
CREATE TABLE products (
    material_no VARCHAR(10) NOT NULL PRIMARY KEY,   -- M100042
    material_name VARCHAR(100) NOT NULL,
    material_group VARCHAR(6) NOT NULL,             -- local product category, MG10 ..
    material_group_name VARCHAR(50) NOT NULL,
    uom VARCHAR(10) NOT NULL,
    std_cost DECIMAL(18,2) NOT NULL,                -- CNY per unit
    list_price DECIMAL(18,2) NOT NULL,              -- CNY per unit, before VAT
    vat_rate DECIMAL(18,8) NOT NULL,                -- 0.13, 0.09, 0.06
    is_service INTEGER NOT NULL,
    created_on DATE NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE warehouses (
    warehouse_code VARCHAR(6) NOT NULL PRIMARY KEY, -- W101
    company_code VARCHAR(10) NOT NULL,
    warehouse_name VARCHAR(100) NOT NULL,
    city VARCHAR(50),
    updated_at TIMESTAMP NOT NULL
);

-- Finance cost centres (not the HR departments: different codes, sometimes coarser).
CREATE TABLE cost_centers (
    cost_center VARCHAR(12) NOT NULL PRIMARY KEY,   -- 1000-2100
    company_code VARCHAR(10) NOT NULL,
    cost_center_name VARCHAR(100) NOT NULL,
    valid_from DATE NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- People who post in the ERP. Linked to HR only by e-mail.
CREATE TABLE erp_users (
    user_id VARCHAR(10) NOT NULL PRIMARY KEY,       -- U00012
    display_name VARCHAR(50) NOT NULL,
    email VARCHAR(100),
    company_code VARCHAR(10) NOT NULL,
    is_active INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Daily middle rates: 1 unit of from_currency = rate units of to_currency.
CREATE TABLE exchange_rates (
    rate_date DATE NOT NULL,
    from_currency VARCHAR(3) NOT NULL,
    to_currency VARCHAR(3) NOT NULL,
    rate DECIMAL(18,8) NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (rate_date, from_currency, to_currency)
);

-- Monthly budget by cost centre and local account (expense accounts positive, revenue positive).
CREATE TABLE budgets (
    company_code VARCHAR(10) NOT NULL,
    fiscal_year INTEGER NOT NULL,
    fiscal_period INTEGER NOT NULL,                 -- 1..12
    cost_center VARCHAR(12) NOT NULL,
    account_no VARCHAR(20) NOT NULL,
    budget_version VARCHAR(4) NOT NULL,             -- V1 original
    amount DECIMAL(18,2) NOT NULL,
    currency VARCHAR(3) NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (company_code, fiscal_year, fiscal_period, cost_center, account_no, budget_version)
);

-- ---------------------------------------------------------------------------------------------
-- Order to cash
-- ---------------------------------------------------------------------------------------------
CREATE TABLE sales_orders (
    order_no VARCHAR(12) NOT NULL PRIMARY KEY,      -- SO2500012345
    company_code VARCHAR(10) NOT NULL,
    customer_no VARCHAR(10),                        -- may be missing (data-entry defect)
    order_date DATE NOT NULL,
    requested_date DATE,
    currency VARCHAR(3) NOT NULL,
    net_amount DECIMAL(18,2) NOT NULL,
    tax_amount DECIMAL(18,2) NOT NULL,
    gross_amount DECIMAL(18,2) NOT NULL,
    sales_rep_user VARCHAR(10),
    order_status VARCHAR(10) NOT NULL,              -- OPEN DELIVERED INVOICED CLOSED
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sales_order_lines (
    order_no VARCHAR(12) NOT NULL,
    line_no INTEGER NOT NULL,                       -- 10, 20, 30 ..
    material_no VARCHAR(10) NOT NULL,
    quantity DECIMAL(18,4) NOT NULL,
    unit_price DECIMAL(18,2) NOT NULL,              -- transaction currency, before VAT
    net_amount DECIMAL(18,2) NOT NULL,
    tax_rate DECIMAL(18,8) NOT NULL,
    tax_amount DECIMAL(18,2) NOT NULL,
    warehouse_code VARCHAR(6),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (order_no, line_no)
);

CREATE TABLE deliveries (
    delivery_no VARCHAR(12) NOT NULL PRIMARY KEY,   -- DN2500012345
    company_code VARCHAR(10) NOT NULL,
    order_no VARCHAR(12) NOT NULL,
    customer_no VARCHAR(10),
    delivery_date DATE NOT NULL,
    warehouse_code VARCHAR(6),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE delivery_lines (
    delivery_no VARCHAR(12) NOT NULL,
    line_no INTEGER NOT NULL,
    order_no VARCHAR(12) NOT NULL,
    order_line_no INTEGER NOT NULL,
    material_no VARCHAR(10) NOT NULL,
    quantity DECIMAL(18,4) NOT NULL,
    unit_cost DECIMAL(18,2) NOT NULL,               -- standard cost, CNY
    cost_amount DECIMAL(18,2) NOT NULL,             -- CNY: what cost of sales should be
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (delivery_no, line_no)
);

CREATE TABLE customer_invoices (
    invoice_no VARCHAR(12) NOT NULL PRIMARY KEY,    -- IV2500012345
    company_code VARCHAR(10) NOT NULL,
    customer_no VARCHAR(10),
    order_no VARCHAR(12),
    delivery_no VARCHAR(12),
    invoice_date DATE NOT NULL,
    due_date DATE NOT NULL,
    currency VARCHAR(3) NOT NULL,
    exchange_rate DECIMAL(18,8) NOT NULL,           -- CNY per unit of currency on invoice_date
    net_amount DECIMAL(18,2) NOT NULL,
    tax_amount DECIMAL(18,2) NOT NULL,
    gross_amount DECIMAL(18,2) NOT NULL,
    vat_invoice_no VARCHAR(20),                     -- the 20-digit fapiao number
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE customer_invoice_lines (
    invoice_no VARCHAR(12) NOT NULL,
    line_no INTEGER NOT NULL,
    material_no VARCHAR(10) NOT NULL,
    quantity DECIMAL(18,4) NOT NULL,
    unit_price DECIMAL(18,2) NOT NULL,
    net_amount DECIMAL(18,2) NOT NULL,
    tax_rate DECIMAL(18,8) NOT NULL,
    tax_amount DECIMAL(18,2) NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (invoice_no, line_no)
);

CREATE TABLE receipts (
    receipt_no VARCHAR(12) NOT NULL PRIMARY KEY,    -- RC2500012345
    company_code VARCHAR(10) NOT NULL,
    customer_no VARCHAR(10),
    invoice_no VARCHAR(12),
    receipt_date DATE NOT NULL,
    currency VARCHAR(3) NOT NULL,
    amount DECIMAL(18,2) NOT NULL,                  -- transaction currency
    exchange_rate DECIMAL(18,8) NOT NULL,
    bank_account_no VARCHAR(20) NOT NULL,           -- local GL account of the bank
    updated_at TIMESTAMP NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- Procure to pay
-- ---------------------------------------------------------------------------------------------
CREATE TABLE purchase_requisitions (
    req_no VARCHAR(12) NOT NULL PRIMARY KEY,        -- PR2500012345
    company_code VARCHAR(10) NOT NULL,
    cost_center VARCHAR(12) NOT NULL,
    requester_user VARCHAR(10),
    req_date DATE NOT NULL,
    material_no VARCHAR(10) NOT NULL,
    quantity DECIMAL(18,4) NOT NULL,
    estimated_price DECIMAL(18,2) NOT NULL,
    estimated_amount DECIMAL(18,2) NOT NULL,        -- net, CNY
    currency VARCHAR(3) NOT NULL,
    req_status VARCHAR(10) NOT NULL,                -- OPEN ORDERED REJECTED
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE purchase_orders (
    po_no VARCHAR(12) NOT NULL PRIMARY KEY,         -- PO2500012345
    company_code VARCHAR(10) NOT NULL,
    vendor_no VARCHAR(10),
    req_no VARCHAR(12),
    po_date DATE NOT NULL,
    currency VARCHAR(3) NOT NULL,
    net_amount DECIMAL(18,2) NOT NULL,
    tax_amount DECIMAL(18,2) NOT NULL,
    gross_amount DECIMAL(18,2) NOT NULL,
    buyer_user VARCHAR(10),
    po_status VARCHAR(10) NOT NULL,                 -- OPEN RECEIVED INVOICED PAID
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE purchase_order_lines (
    po_no VARCHAR(12) NOT NULL,
    line_no INTEGER NOT NULL,
    material_no VARCHAR(10) NOT NULL,
    quantity DECIMAL(18,4) NOT NULL,
    unit_price DECIMAL(18,2) NOT NULL,
    net_amount DECIMAL(18,2) NOT NULL,
    tax_rate DECIMAL(18,8) NOT NULL,
    tax_amount DECIMAL(18,2) NOT NULL,
    warehouse_code VARCHAR(6),
    cost_center VARCHAR(12),                        -- services are expensed to a cost centre
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (po_no, line_no)
);

CREATE TABLE goods_receipts (
    gr_no VARCHAR(12) NOT NULL PRIMARY KEY,         -- GR2500012345
    company_code VARCHAR(10) NOT NULL,
    po_no VARCHAR(12) NOT NULL,
    vendor_no VARCHAR(10),
    receipt_date DATE NOT NULL,
    warehouse_code VARCHAR(6),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE goods_receipt_lines (
    gr_no VARCHAR(12) NOT NULL,
    line_no INTEGER NOT NULL,
    po_no VARCHAR(12) NOT NULL,
    po_line_no INTEGER NOT NULL,
    material_no VARCHAR(10) NOT NULL,
    quantity DECIMAL(18,4) NOT NULL,
    unit_price DECIMAL(18,2) NOT NULL,              -- PO price, CNY
    amount DECIMAL(18,2) NOT NULL,                  -- CNY, net
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (gr_no, line_no)
);

CREATE TABLE supplier_invoices (
    sinv_no VARCHAR(12) NOT NULL PRIMARY KEY,       -- SI2500012345
    company_code VARCHAR(10) NOT NULL,
    vendor_no VARCHAR(10),
    po_no VARCHAR(12),
    vendor_invoice_ref VARCHAR(20),                 -- the vendor's fapiao number
    invoice_date DATE NOT NULL,
    due_date DATE NOT NULL,
    currency VARCHAR(3) NOT NULL,
    exchange_rate DECIMAL(18,8) NOT NULL,
    net_amount DECIMAL(18,2) NOT NULL,
    tax_amount DECIMAL(18,2) NOT NULL,
    gross_amount DECIMAL(18,2) NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE payments (
    payment_no VARCHAR(12) NOT NULL PRIMARY KEY,    -- PY2500012345
    company_code VARCHAR(10) NOT NULL,
    vendor_no VARCHAR(10),
    sinv_no VARCHAR(12),
    payment_date DATE NOT NULL,
    currency VARCHAR(3) NOT NULL,
    amount DECIMAL(18,2) NOT NULL,
    exchange_rate DECIMAL(18,8) NOT NULL,
    bank_account_no VARCHAR(20) NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Stock movements: quantity and amount signed (+ into stock, - out of stock), CNY at std cost.
CREATE TABLE inventory_movements (
    movement_no VARCHAR(14) NOT NULL PRIMARY KEY,   -- MV250001234567
    company_code VARCHAR(10) NOT NULL,
    movement_date DATE NOT NULL,
    movement_type VARCHAR(4) NOT NULL,              -- 101 goods receipt, 601 delivery, 701 count adjustment
    material_no VARCHAR(10) NOT NULL,
    warehouse_code VARCHAR(6) NOT NULL,
    quantity DECIMAL(18,4) NOT NULL,
    unit_cost DECIMAL(18,2) NOT NULL,
    amount DECIMAL(18,2) NOT NULL,
    ref_doc_type VARCHAR(20),
    ref_doc_no VARCHAR(12),
    updated_at TIMESTAMP NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- General ledger: what the ERP booked
-- ---------------------------------------------------------------------------------------------
CREATE TABLE journal_vouchers (
    voucher_no VARCHAR(20) NOT NULL PRIMARY KEY,    -- 1000-202503-000123
    company_code VARCHAR(10) NOT NULL,
    fiscal_year INTEGER NOT NULL,
    fiscal_period INTEGER NOT NULL,                 -- 1..12, 0 = opening balances
    voucher_date DATE NOT NULL,                     -- posting date
    voucher_type VARCHAR(4) NOT NULL,               -- 记 general, SA sales, PU purchase, BK bank, PR payroll, OB opening
    source_doc_type VARCHAR(20),                    -- DELIVERY CUSTOMER_INVOICE RECEIPT GOODS_RECEIPT SUPPLIER_INVOICE PAYMENT PAYROLL ACCRUAL DEPRECIATION FX_REVALUATION OPENING, NULL for manual
    source_doc_no VARCHAR(20),                      -- the document's key (e.g. IV2500012345), payroll: cost centre|YYYY-MM
    description VARCHAR(200),
    currency VARCHAR(3) NOT NULL,                   -- transaction currency of the voucher
    created_by VARCHAR(10),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE journal_lines (
    voucher_no VARCHAR(20) NOT NULL,
    line_no INTEGER NOT NULL,
    company_code VARCHAR(10) NOT NULL,
    account_no VARCHAR(20),                         -- local account, may be missing (defect)
    description VARCHAR(200),
    debit DECIMAL(18,2) NOT NULL,                   -- functional currency
    credit DECIMAL(18,2) NOT NULL,                  -- functional currency
    currency VARCHAR(3) NOT NULL,                   -- transaction currency
    exchange_rate DECIMAL(18,8) NOT NULL,
    debit_tc DECIMAL(18,2) NOT NULL,                -- transaction currency
    credit_tc DECIMAL(18,2) NOT NULL,
    cost_center VARCHAR(12),
    customer_no VARCHAR(10),
    vendor_no VARCHAR(10),
    material_no VARCHAR(10),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (voucher_no, line_no)
);
