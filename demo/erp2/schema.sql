-- "SimpleBooks", the small off-the-shelf accounting system of the foreign subsidiary
-- E03 Yunshan Trading (Singapore) Pte. Ltd. A different product from the group ERP:
-- English names, one business-partner table for customers and vendors, one flat general
-- ledger table, its own account codes (A-1100 ...), amounts in SGD (the functional currency).
--
-- Portable DDL (SQLite, PostgreSQL, MariaDB), statements end with a semicolon at the end of a line.
-- Every table has a primary key and updated_at (UTC), the incremental cursor.
-- gl_entries: one row per posting, dr_cr says the side, amount_doc in the document currency,
-- amount_sgd in SGD (always positive), fx_rate = SGD per one unit of the document currency.

CREATE TABLE sb_clock (
    id INTEGER NOT NULL PRIMARY KEY,                -- always 1
    business_date DATE NOT NULL,                    -- last business day generated
    seed INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Customers (bp_type C), suppliers (S) and partners that are both (B).
CREATE TABLE bp_master (
    bp_id VARCHAR(10) NOT NULL PRIMARY KEY,         -- BP10042
    bp_type VARCHAR(1) NOT NULL,
    bp_name VARCHAR(200) NOT NULL,
    country_code VARCHAR(2) NOT NULL,
    city VARCHAR(50),
    reg_number VARCHAR(20),                         -- USCC for Chinese partners, otherwise a local registration number
    currency VARCHAR(3) NOT NULL,
    credit_days INTEGER NOT NULL,
    email VARCHAR(100),
    created_date DATE NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE gl_accounts (
    acct_code VARCHAR(10) NOT NULL PRIMARY KEY,     -- A-1100
    acct_name VARCHAR(100) NOT NULL,
    acct_class VARCHAR(12) NOT NULL,                -- Asset Liability Equity Income Expense
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE departments (
    dept_code VARCHAR(12) NOT NULL PRIMARY KEY,     -- SG01-SLS
    dept_name VARCHAR(100) NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE items (
    item_code VARCHAR(12) NOT NULL PRIMARY KEY,     -- IT-0042
    item_desc VARCHAR(100) NOT NULL,
    item_group VARCHAR(20) NOT NULL,                -- Electronics, Machinery ...
    unit_cost DECIMAL(18,2) NOT NULL,               -- SGD
    unit_price DECIMAL(18,2) NOT NULL,              -- SGD
    gst_rate DECIMAL(18,8) NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Daily rates: SGD per one unit of currency.
CREATE TABLE fx_rates (
    rate_date DATE NOT NULL,
    currency VARCHAR(3) NOT NULL,
    sgd_rate DECIMAL(18,8) NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (rate_date, currency)
);

CREATE TABLE sales_invoices (
    doc_id VARCHAR(12) NOT NULL PRIMARY KEY,        -- SIN-250042
    bp_id VARCHAR(10),
    doc_date DATE NOT NULL,
    due_date DATE NOT NULL,
    currency VARCHAR(3) NOT NULL,
    fx_rate DECIMAL(18,8) NOT NULL,
    net_total DECIMAL(18,2) NOT NULL,
    gst_total DECIMAL(18,2) NOT NULL,
    doc_total DECIMAL(18,2) NOT NULL,
    doc_status VARCHAR(8) NOT NULL,                 -- Open Paid
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sales_invoice_items (
    doc_id VARCHAR(12) NOT NULL,
    line_num INTEGER NOT NULL,
    item_code VARCHAR(12) NOT NULL,
    qty DECIMAL(18,4) NOT NULL,
    price DECIMAL(18,2) NOT NULL,
    line_total DECIMAL(18,2) NOT NULL,
    gst_amount DECIMAL(18,2) NOT NULL,
    cost_total DECIMAL(18,2) NOT NULL,              -- SGD cost of the goods sold
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, line_num)
);

CREATE TABLE purchase_invoices (
    doc_id VARCHAR(12) NOT NULL PRIMARY KEY,        -- PIN-250042
    bp_id VARCHAR(10),
    supplier_ref VARCHAR(20),
    doc_date DATE NOT NULL,
    due_date DATE NOT NULL,
    currency VARCHAR(3) NOT NULL,
    fx_rate DECIMAL(18,8) NOT NULL,
    net_total DECIMAL(18,2) NOT NULL,
    gst_total DECIMAL(18,2) NOT NULL,
    doc_total DECIMAL(18,2) NOT NULL,
    doc_status VARCHAR(8) NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE purchase_invoice_items (
    doc_id VARCHAR(12) NOT NULL,
    line_num INTEGER NOT NULL,
    item_code VARCHAR(12) NOT NULL,
    qty DECIMAL(18,4) NOT NULL,
    price DECIMAL(18,2) NOT NULL,
    line_total DECIMAL(18,2) NOT NULL,
    gst_amount DECIMAL(18,2) NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, line_num)
);

-- Money in (direction IN, from customers) and out (OUT, to suppliers).
CREATE TABLE cash_transactions (
    txn_id VARCHAR(12) NOT NULL PRIMARY KEY,        -- CT-250042
    bp_id VARCHAR(10),
    doc_ref VARCHAR(12),                            -- the invoice it settles
    txn_date DATE NOT NULL,
    direction VARCHAR(3) NOT NULL,
    currency VARCHAR(3) NOT NULL,
    amount DECIMAL(18,2) NOT NULL,
    fx_rate DECIMAL(18,8) NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE gl_entries (
    entry_id INTEGER NOT NULL PRIMARY KEY,
    journal_no VARCHAR(12) NOT NULL,                -- JN-2500042: entries of one journal balance
    posting_date DATE NOT NULL,
    period VARCHAR(7) NOT NULL,                     -- YYYY-MM
    acct_code VARCHAR(10),
    dept_code VARCHAR(12),
    bp_id VARCHAR(10),
    doc_type VARCHAR(12) NOT NULL,                  -- OPENING SALES PURCHASE RECEIPT PAYMENT PAYROLL JOURNAL
    doc_ref VARCHAR(20),
    dr_cr VARCHAR(1) NOT NULL,                      -- D or C
    currency VARCHAR(3) NOT NULL,
    amount_doc DECIMAL(18,2) NOT NULL,
    fx_rate DECIMAL(18,8) NOT NULL,
    amount_sgd DECIMAL(18,2) NOT NULL,
    memo VARCHAR(200),
    updated_at TIMESTAMP NOT NULL
);
