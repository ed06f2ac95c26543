// Take the scoring lock over from the holder whose token is $old (a
// process on this host that is gone), unless another process took it
// meanwhile. Returns a row when $token holds it now.
MATCH (l:UboState {id: 'score-lock'})
WHERE l.token = $old
SET l.token = $token, l.owner = $owner, l.pid = $pid, l.host = $host,
    l.since = datetime(), l.heartbeat = datetime()
RETURN l.token AS token
