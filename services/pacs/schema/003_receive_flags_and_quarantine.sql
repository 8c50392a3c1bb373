-- PACS index, version 3.
-- flags: what receive validation noticed but did not refuse, comma-separated:
-- no_patient_id, no_accession_number (the status page and verify-storage report them).
ALTER TABLE stored_instances ADD COLUMN flags TEXT;
CREATE INDEX stored_instances_flags ON stored_instances(flags) WHERE flags IS NOT NULL;

-- A different object received under a SOP Instance UID already held: the first copy stays
-- in the hash tree (policy keep), this one is kept here, outside it, so nothing a modality
-- sent is lost. quarantine_path is relative to PACS_STORAGE_PATH (.quarantine/...).
CREATE TABLE quarantined_instances (
    id INTEGER PRIMARY KEY,
    sop_instance_uid TEXT NOT NULL,
    quarantine_path TEXT NOT NULL UNIQUE,
    file_size INTEGER NOT NULL,
    storage_hash TEXT NOT NULL,      -- SHA-256 of the quarantined file
    held_hash TEXT NOT NULL,         -- SHA-256 of the copy in the hash tree
    source_aet TEXT,
    reason TEXT NOT NULL,            -- e.g. 'duplicate_differs'
    received_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX quarantined_instances_uid ON quarantined_instances(sop_instance_uid);
