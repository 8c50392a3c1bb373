-- PACS index, version 4: what Query/Retrieve (C-FIND, C-MOVE, C-GET) matches and returns.
-- Text is UTF-8 like the other columns; values not sent are NULL.
ALTER TABLE stored_instances ADD COLUMN patient_birth_date TEXT;
ALTER TABLE stored_instances ADD COLUMN patient_sex TEXT;
ALTER TABLE stored_instances ADD COLUMN study_time TEXT;
ALTER TABLE stored_instances ADD COLUMN study_id TEXT;
ALTER TABLE stored_instances ADD COLUMN study_description TEXT;
ALTER TABLE stored_instances ADD COLUMN referring_physician_name TEXT;
ALTER TABLE stored_instances ADD COLUMN series_description TEXT;
ALTER TABLE stored_instances ADD COLUMN series_date TEXT;
ALTER TABLE stored_instances ADD COLUMN series_time TEXT;
ALTER TABLE stored_instances ADD COLUMN body_part_examined TEXT;
ALTER TABLE stored_instances ADD COLUMN content_date TEXT;
ALTER TABLE stored_instances ADD COLUMN content_time TEXT;
-- Which extraction of the file's attributes the row holds (instance_metadata.h
-- kMetadataVersion). Rows indexed before version 4 are 1: start-up re-reads their files'
-- metadata and raises them to the current version.
ALTER TABLE stored_instances ADD COLUMN metadata_version INTEGER NOT NULL DEFAULT 1;

-- The queries' prefilters: study dates (STUDY level ranges), series (SERIES and IMAGE
-- levels, retrieve), and the start-up check for rows to re-read.
CREATE INDEX stored_instances_study_date ON stored_instances(study_date);
CREATE INDEX stored_instances_series ON stored_instances(series_instance_uid);
CREATE INDEX stored_instances_metadata_version ON stored_instances(metadata_version);
