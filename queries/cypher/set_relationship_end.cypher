// End retired relationships: the end date and the packed copy Go computed.
UNWIND $rows AS row
MATCH ()-[r]->()
WHERE elementId(r) = row.rid
SET r.end_date = row.end_date, r._packed = row.packed
