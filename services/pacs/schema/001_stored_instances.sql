-- PACS index, version 1. The first ten columns are the original gateway's contract
-- (seed PACS_README.md), with the same names and meanings; the rest extend it.
-- storage_path is relative to PACS_STORAGE_PATH, e.g. 'b2/51/b2512f75cdde020b.dcm'.
-- storage_hash is the SHA-256 (hex) of the stored file's bytes.
-- status: 'STORED', or 'MISSING' when start-up reconciliation found no file.
CREATE TABLE stored_instances (
    sop_instance_uid TEXT PRIMARY KEY,
    storage_path TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    storage_hash TEXT NOT NULL,
    patient_id TEXT,
    patient_name TEXT,
    accession_number TEXT,
    source_aet TEXT,
    status TEXT DEFAULT 'STORED',
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    sop_class_uid TEXT,
    study_instance_uid TEXT,
    series_instance_uid TEXT,
    transfer_syntax_uid TEXT,
    modality TEXT,
    study_date TEXT,
    series_number TEXT,
    instance_number TEXT,
    image_laterality TEXT,
    view_position TEXT,
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX stored_instances_path ON stored_instances(storage_path);
CREATE INDEX stored_instances_study ON stored_instances(study_instance_uid);
CREATE INDEX stored_instances_accession ON stored_instances(accession_number);
CREATE INDEX stored_instances_patient ON stored_instances(patient_id);
