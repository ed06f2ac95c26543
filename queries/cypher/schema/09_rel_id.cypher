// Rendered per relationship kind: an id index on each type (upsert, ordered streaming).
CREATE INDEX rel___REL_TYPE___id IF NOT EXISTS FOR ()-[r:__REL_TYPE__]-() ON (r.id)
