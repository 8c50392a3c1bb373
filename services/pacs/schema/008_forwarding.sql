-- PACS index, version 7 (the file numbers skip 006, which was never released).
-- Store-and-forward (ADR 0019): one row per stored instance and forwarding destination,
-- written in the same transaction as the instance's index row, so an acknowledged image is
-- always either queued or not meant for that destination.
--   state: PENDING (due at next_attempt_at, unix seconds) -> SENDING (claimed by a worker)
--          -> SENT | FAILED (dead letter: a permanent refusal, last_error says why).
--   A restart turns SENDING back into PENDING: delivery is at-least-once.
-- stored_instances.status gains PURGED: retention removed the file after every destination
-- had it (the row stays, so the instance is still accounted for).
CREATE TABLE forward_queue (
    id INTEGER PRIMARY KEY,
    sop_instance_uid TEXT NOT NULL,
    destination TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'PENDING'
        CHECK (state IN ('PENDING', 'SENDING', 'SENT', 'FAILED')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    queued_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at TEXT,
    UNIQUE (sop_instance_uid, destination)
);
-- The workers' claim: a destination's PENDING rows in queue order (which is arrival order, so
-- a study goes out in the order it came in), read in that order so a claim costs the same
-- with 100,000 rows waiting as with 10 (no sort). The claim names it (INDEXED BY).
CREATE INDEX forward_queue_order ON forward_queue(destination, state, id);
-- The earliest due time, and the rows `forward retry` marked (next_attempt_at < 0).
CREATE INDEX forward_queue_due ON forward_queue(destination, state, next_attempt_at);
-- Retention asks, per instance, whether every destination has it.
CREATE INDEX forward_queue_instance ON forward_queue(sop_instance_uid, state);
