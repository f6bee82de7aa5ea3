-- Version 1: resources and their tags.

CREATE TABLE resources (
    id           INTEGER PRIMARY KEY,
    account      TEXT NOT NULL,
    region       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    -- The name lower-cased by the backend: names are unique case-insensitively
    -- (resources.md §1) and the Name sort ignores case.
    name_key     TEXT NOT NULL,
    arn          TEXT NOT NULL UNIQUE,
    status       TEXT,
    -- What the Status sort compares: a missing status sorts as ''.
    status_key   TEXT GENERATED ALWAYS AS (ifnull(status, '')) VIRTUAL,
    -- The Describe members, as JSON text.
    document     TEXT NOT NULL,
    created_at   REAL NOT NULL,
    modified_at  REAL NOT NULL,
    -- The last tag position handed out. Positions only grow, so a key added
    -- after a delete never takes a position that a ListTags page already passed.
    last_tag_seq INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account, region, kind, name_key)
);

-- The UNIQUE constraint above serves lookups by name and the Name sort; these
-- two serve the CreationTime and Status sorts (the rowid `id` is implicitly the
-- last column of each, which breaks ties).
CREATE INDEX resources_by_created ON resources (account, region, kind, created_at);
CREATE INDEX resources_by_status ON resources (account, region, kind, status_key, name_key);

CREATE TABLE tags (
    resource_id INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    -- Insertion position; an overwrite keeps it.
    seq         INTEGER NOT NULL,
    PRIMARY KEY (resource_id, key)
) WITHOUT ROWID;

CREATE UNIQUE INDEX tags_by_seq ON tags (resource_id, seq);
