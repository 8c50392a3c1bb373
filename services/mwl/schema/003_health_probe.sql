-- Worklist database, version 3: healthcheck --json proves the database is writable with a
-- real write here (one row).
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    written_at TEXT NOT NULL,
    writer TEXT
);
