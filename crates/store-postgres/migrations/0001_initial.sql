-- Version 1: resources, their tags and their lifecycle steps; the same tables
-- and meaning as the SQLite backend's versions 1 and 2 together.
--
-- Text that is compared or sorted (`name_key`, `status_key`) uses the "C"
-- collation, so the order is the bytes' order, as in SQLite, whatever the
-- database's default collation is.

CREATE TABLE resources (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account      TEXT NOT NULL,
    region       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    -- The name lower-cased by the backend: names are unique case-insensitively
    -- (resources.md §1) and the Name sort ignores case.
    name_key     TEXT COLLATE "C" NOT NULL,
    arn          TEXT NOT NULL,
    status       TEXT,
    -- What the Status sort compares: a missing status sorts as ''.
    status_key   TEXT COLLATE "C" GENERATED ALWAYS AS (coalesce(status, '')) STORED,
    -- The Describe members, as JSON text: TEXT rather than JSONB keeps the
    -- members in the order they were written.
    document     TEXT NOT NULL,
    created_at   DOUBLE PRECISION NOT NULL,
    modified_at  DOUBLE PRECISION NOT NULL,
    -- The last tag position handed out. Positions only grow, so a key added
    -- after a delete never takes a position that a ListTags page already passed.
    last_tag_seq BIGINT NOT NULL DEFAULT 0,
    -- The ARN of the resource that launched this one (a tuning job's training
    -- jobs); NULL for everything a client created directly.
    parent       TEXT,
    CONSTRAINT resources_arn_key UNIQUE (arn),
    CONSTRAINT resources_name_key UNIQUE (account, region, kind, name_key)
);

-- The name constraint serves lookups by name and the Name sort; these serve
-- the CreationTime and Status sorts, each ending in the id that breaks ties.
CREATE INDEX resources_by_created ON resources (account, region, kind, created_at, id);
CREATE INDEX resources_by_status
    ON resources (account, region, kind, status_key, name_key, id);
-- Listing by parent and the children update. Partial: most resources have no
-- parent, and `parent = $1` implies `parent IS NOT NULL`.
CREATE INDEX resources_by_parent ON resources (parent, name_key) WHERE parent IS NOT NULL;

CREATE TABLE tags (
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    -- Insertion position; an overwrite keeps it.
    seq         BIGINT NOT NULL,
    PRIMARY KEY (resource_id, key),
    CONSTRAINT tags_seq_key UNIQUE (resource_id, seq)
);

CREATE TABLE steps (
    -- An identity never hands an id out twice, so a consumed step's id never
    -- names a later step and a late duplicate of the update that consumed it
    -- fails.
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resource_id BIGINT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    due_at      DOUBLE PRECISION NOT NULL,
    -- What to do, in the operations layer's words; opaque here.
    action      TEXT NOT NULL
);

-- Due steps, earliest first, equal times in creation order.
CREATE INDEX steps_by_due ON steps (due_at, id);
-- A resource's steps: consuming and cancelling them, and the cascade.
CREATE INDEX steps_by_resource ON steps (resource_id);
