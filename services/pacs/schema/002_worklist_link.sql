-- PACS index, version 2: the worklist item an instance belongs to (its accession number,
-- when the worklist knew it at the time of storage; NULL otherwise).
ALTER TABLE stored_instances ADD COLUMN worklist_accession TEXT;
CREATE INDEX stored_instances_worklist ON stored_instances(worklist_accession);
