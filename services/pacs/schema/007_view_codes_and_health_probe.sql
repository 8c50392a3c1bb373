-- PACS index, version 6 (004 and 005 belong to query/retrieve and commitment).
-- view_code: the first item of the View Code Sequence (0054,0220) as SCHEME:VALUE, e.g.
-- SCT:399162004 (cranio-caudal); view_modifiers: the code meanings of its View Modifier
-- Code Sequence (0054,0222), '|'-separated, e.g. 'implant displaced'. With image_laterality
-- and view_position they tell the status page which views of a participant arrived.
ALTER TABLE stored_instances ADD COLUMN view_code TEXT;
ALTER TABLE stored_instances ADD COLUMN view_modifiers TEXT;
-- The status page lists the day's images (unlinked ones in particular) by time of storage.
CREATE INDEX stored_instances_created ON stored_instances(created_at);

-- healthcheck --json proves the index is writable with a real write here (one row).
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    written_at TEXT NOT NULL,
    writer TEXT
);
