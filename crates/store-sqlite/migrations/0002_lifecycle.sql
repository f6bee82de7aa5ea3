-- Version 2: who launched a resource, and the lifecycle steps still to run.

-- The ARN of the resource that launched this one (a tuning job's training
-- jobs); NULL for everything a client created directly.
ALTER TABLE resources ADD COLUMN parent TEXT;

-- Serves listing by parent and the children update. Partial: most resources
-- have no parent, and `parent = ?` implies `parent IS NOT NULL`, so every
-- query by parent can use it. `name_key` gives the Name sort (the default of
-- ListTrainingJobsForHyperParameterTuningJob) without a sort step; the other
-- sorts order the one parent's children, a small set, in a temporary B-tree.
CREATE INDEX resources_by_parent ON resources (parent, name_key)
    WHERE parent IS NOT NULL;

CREATE TABLE steps (
    -- AUTOINCREMENT: an id is never handed out twice, not even after the
    -- highest one was deleted, so a consumed step's id never names a later
    -- step and a late duplicate of the update that consumed it fails.
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    due_at      REAL NOT NULL,
    -- What to do, in the operations layer's words; opaque here.
    action      TEXT NOT NULL
);

-- Due steps, earliest first (the rowid `id` breaks ties in creation order).
CREATE INDEX steps_by_due ON steps (due_at);
-- A resource's steps: cancelling them, and the cascade when it is deleted.
CREATE INDEX steps_by_resource ON steps (resource_id);
