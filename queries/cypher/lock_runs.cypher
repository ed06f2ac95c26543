// Take the scoring lock, a (:UboState {id: 'score-lock'}) node (the
// UboState id constraint makes concurrent MERGEs meet on one node), for
// $token unless another token holds it with a heartbeat younger than $ttl
// seconds (server time, so clocks of the clients do not matter). Returns
// whether $token holds it now, the holder's description and its token
// (for take_over_lock.cypher when the holder is a process gone from this host).
MERGE (l:UboState {id: 'score-lock'})
WITH l, (l.token IS NULL OR l.token = $token
         OR l.heartbeat < datetime() - duration({seconds: $ttl})) AS free
SET l.token = CASE WHEN free THEN $token ELSE l.token END,
    l.owner = CASE WHEN free THEN $owner ELSE l.owner END,
    l.pid = CASE WHEN free THEN $pid ELSE l.pid END,
    l.host = CASE WHEN free THEN $host ELSE l.host END,
    l.since = CASE WHEN free THEN datetime() ELSE l.since END,
    l.heartbeat = CASE WHEN free THEN datetime() ELSE l.heartbeat END
RETURN free, l.owner AS owner, l.pid AS pid, l.host AS host, l.since AS since, l.heartbeat AS heartbeat,
       l.token AS holder_token
