-- Worklist, version 2: performed procedure steps (MPPS) and the item's life cycle.

-- One row per MPPS instance a modality created (N-CREATE), updated by N-SET.
CREATE TABLE performed_procedure_steps (
    sop_instance_uid TEXT PRIMARY KEY,       -- the MPPS SOP Instance UID
    status TEXT NOT NULL
        CHECK (status IN ('IN PROGRESS', 'COMPLETED', 'DISCONTINUED')),
    accession_number TEXT,                   -- from the Scheduled Step Attributes Sequence
    scheduled_step_id TEXT,
    study_instance_uid TEXT,
    patient_id TEXT,
    performed_station_aet TEXT,
    performed_step_id TEXT,
    start_date TEXT,
    start_time TEXT,
    end_date TEXT,
    end_time TEXT,
    discontinuation_reason TEXT,             -- code value ^ meaning, when discontinued
    calling_aet TEXT NOT NULL,
    linked_accession TEXT,                   -- the worklist item it was linked to; NULL: unlinked
    link_rule TEXT,                          -- how: accession, patient+date, or none
    attributes BLOB NOT NULL,                -- the whole step as a DICOM dataset (explicit VR LE)
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX performed_procedure_steps_accession ON performed_procedure_steps(linked_accession);

-- Every status change of a worklist item, with its time and cause. Never goes backwards.
CREATE TABLE worklist_status_history (
    id INTEGER PRIMARY KEY,
    accession_number TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    cause TEXT NOT NULL,                     -- e.g. "MPPS N-CREATE 1.2.3", "image stored 1.2.4"
    changed_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX worklist_status_history_accession ON worklist_status_history(accession_number);

ALTER TABLE worklist_items ADD COLUMN mpps_instance_uid TEXT;
