-- Worklist, version 1: one row per scheduled procedure step (a screening appointment).
-- Column names are the field names of `worklist add` flags (kebab-case), import files and
-- `worklist list --json`. Text is UTF-8. Dates YYYYMMDD, times HHMMSS[.ffffff].
CREATE TABLE worklist_items (
    accession_number TEXT PRIMARY KEY,
    patient_id TEXT NOT NULL,
    patient_name TEXT NOT NULL,            -- DICOM PN: FAMILY^GIVEN^MIDDLE^PREFIX^SUFFIX
    patient_birth_date TEXT NOT NULL,
    patient_sex TEXT,                      -- M, F or O
    referring_physician TEXT,
    study_instance_uid TEXT NOT NULL UNIQUE,  -- generated when the feed gives none
    study_description TEXT,                -- Requested Procedure Description (0032,1060)
    requested_procedure_id TEXT NOT NULL,  -- defaults to the accession number
    procedure_code TEXT,                   -- Requested Procedure Code: value
    procedure_code_scheme TEXT,            --   coding scheme designator
    procedure_code_meaning TEXT,           --   code meaning
    scheduled_step_id TEXT NOT NULL,       -- defaults to the accession number
    scheduled_date TEXT NOT NULL,
    scheduled_time TEXT NOT NULL,
    modality TEXT NOT NULL,
    scheduled_station_aet TEXT,
    scheduled_station_name TEXT,
    scheduled_location TEXT,
    performing_physician TEXT,
    scheduled_step_description TEXT,       -- defaults to study_description
    protocol_code TEXT,                    -- Scheduled Protocol Code: value
    protocol_code_scheme TEXT,
    protocol_code_meaning TEXT,
    status TEXT NOT NULL DEFAULT 'SCHEDULED'
        CHECK (status IN ('SCHEDULED', 'IN PROGRESS', 'COMPLETED', 'DISCONTINUED')),
    source_message_id TEXT,                -- the booking system's message, for tracing
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- The queries modalities send: one day's items for a modality; a patient; a station.
CREATE INDEX worklist_items_date_modality ON worklist_items(scheduled_date, modality);
CREATE INDEX worklist_items_patient ON worklist_items(patient_id);
CREATE INDEX worklist_items_station ON worklist_items(scheduled_station_aet, scheduled_date);
