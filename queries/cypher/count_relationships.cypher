// Relationships of one kind from the count store (rendered per kind).
MATCH ()-[r:__REL_TYPE__]->()
RETURN count(r) AS n
