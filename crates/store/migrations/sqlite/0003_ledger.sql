-- The double-entry ledger (DESIGN §7): accounts with running totals, append-only transfers,
-- the payments the county expects by bank transfer, and the bank statement lines already used.
-- Money is INTEGER fen; times are INTEGER UTC microseconds; county_id leads every key.

-- One account per (county, key); made on first use. normal is 'debit' (assets: station cash,
-- the county's bank) or 'credit' (what the platform owes: wallets, escrow, commissions, revenue).
-- floor_fen is the lowest balance on the normal side that a posting may leave.
CREATE TABLE ledger_accounts (
    county_id        TEXT NOT NULL REFERENCES counties (county_id),
    account_id       TEXT NOT NULL,
    kind             TEXT NOT NULL,
    owner_id         TEXT,
    normal           TEXT NOT NULL,
    floor_fen        INTEGER NOT NULL DEFAULT 0,
    debits_posted    INTEGER NOT NULL DEFAULT 0,
    credits_posted   INTEGER NOT NULL DEFAULT 0,
    debits_pending   INTEGER NOT NULL DEFAULT 0,
    credits_pending  INTEGER NOT NULL DEFAULT 0,
    created_us       INTEGER NOT NULL,
    PRIMARY KEY (county_id, account_id)
);
CREATE INDEX ix_ledger_accounts_owner ON ledger_accounts (county_id, owner_id);

-- Never updated. A pending transfer is resolved by a second row (state posted or voided) whose
-- pending_id names it; the unique key on pending_id makes that happen at most once. idem names
-- the business event ("settle:<order>:seller") so no event is ever posted twice.
CREATE TABLE ledger_transfers (
    county_id       TEXT NOT NULL,
    transfer_id     TEXT NOT NULL,
    debit_account   TEXT NOT NULL,
    credit_account  TEXT NOT NULL,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    state           TEXT NOT NULL,
    code            TEXT NOT NULL,
    pending_id      TEXT,
    order_id        TEXT,
    reference       TEXT NOT NULL,
    idem            TEXT NOT NULL,
    created_us      INTEGER NOT NULL,
    PRIMARY KEY (county_id, transfer_id),
    CONSTRAINT uq_ledger_transfers_idem UNIQUE (county_id, idem),
    CONSTRAINT uq_ledger_transfers_pending UNIQUE (county_id, pending_id),
    CHECK (debit_account <> credit_account),
    FOREIGN KEY (county_id, debit_account) REFERENCES ledger_accounts (county_id, account_id),
    FOREIGN KEY (county_id, credit_account) REFERENCES ledger_accounts (county_id, account_id),
    FOREIGN KEY (county_id, pending_id) REFERENCES ledger_transfers (county_id, transfer_id)
);
CREATE INDEX ix_ledger_transfers_debit ON ledger_transfers (county_id, debit_account, created_us);
CREATE INDEX ix_ledger_transfers_credit ON ledger_transfers (county_id, credit_account, created_us);
CREATE INDEX ix_ledger_transfers_order ON ledger_transfers (county_id, order_id);

-- A payment the county expects by bank transfer, found by the reference the payer quotes.
-- purpose is 'order_payment' or 'wallet_topup'; a matching receipt credits target_account.
CREATE TABLE expected_payments (
    county_id       TEXT NOT NULL,
    reference       TEXT NOT NULL,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    purpose         TEXT NOT NULL,
    target_account  TEXT NOT NULL,
    order_id        TEXT,
    status          TEXT NOT NULL,
    created_us      INTEGER NOT NULL,
    matched_us      INTEGER,
    transfer_id     TEXT,
    PRIMARY KEY (county_id, reference),
    FOREIGN KEY (county_id, target_account) REFERENCES ledger_accounts (county_id, account_id),
    FOREIGN KEY (county_id, transfer_id) REFERENCES ledger_transfers (county_id, transfer_id)
);
CREATE INDEX ix_expected_payments_status ON expected_payments (county_id, status, created_us);

-- Statement lines that were matched and posted, keyed by date|amount|reference|payer, so the same
-- statement imported again matches nothing twice.
CREATE TABLE bank_statement_lines (
    county_id    TEXT NOT NULL,
    line_key     TEXT NOT NULL,
    line_date    TEXT NOT NULL,
    amount_fen   INTEGER NOT NULL,
    reference    TEXT NOT NULL,
    payer        TEXT NOT NULL,
    transfer_id  TEXT NOT NULL,
    imported_us  INTEGER NOT NULL,
    PRIMARY KEY (county_id, line_key),
    FOREIGN KEY (county_id, transfer_id) REFERENCES ledger_transfers (county_id, transfer_id)
);
