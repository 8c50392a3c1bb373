-- PACS index, version 5: Storage Commitment Push Model (PS3.4 Annex J), and retrieval by
-- series (C-MOVE/C-GET at SERIES level).
CREATE INDEX IF NOT EXISTS stored_instances_series ON stored_instances(series_instance_uid);

-- One row per N-ACTION Request Storage Commitment; kept across restarts until reported.
-- state: PENDING (recorded, not yet verified), READY (verified; report built, not yet
-- delivered), REPORTED, UNDELIVERABLE (the requester is not in the table of known AEs, or
-- delivery kept failing until it expired). report: the N-EVENT-REPORT information, a DICOM
-- dataset (explicit VR little endian); event_type 1 (all committed) or 2 (some failed).
CREATE TABLE storage_commitments (
    transaction_uid TEXT PRIMARY KEY,
    calling_aet TEXT NOT NULL,
    association_id INTEGER,          -- of this process run; NULL after a restart
    state TEXT NOT NULL DEFAULT 'PENDING'
        CHECK (state IN ('PENDING', 'READY', 'REPORTED', 'UNDELIVERABLE')),
    event_type INTEGER,
    report BLOB,
    committed_count INTEGER,
    failed_count INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    requested_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    not_before REAL NOT NULL DEFAULT 0,  -- unix time: PACS_COMMITMENT_REPORT_DELAY, retries
    reported_at TEXT,
    reported_via TEXT                    -- 'same association' or 'new association'
);
CREATE INDEX storage_commitments_state ON storage_commitments(state, not_before);

CREATE TABLE storage_commitment_items (
    transaction_uid TEXT NOT NULL REFERENCES storage_commitments(transaction_uid),
    position INTEGER NOT NULL,
    sop_class_uid TEXT NOT NULL,
    sop_instance_uid TEXT NOT NULL,
    PRIMARY KEY (transaction_uid, position)
);
