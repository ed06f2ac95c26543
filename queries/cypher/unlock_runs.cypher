// Release the scoring lock if $token still holds it.
MATCH (l:UboState {id: 'score-lock'})
WHERE l.token = $token
REMOVE l.token, l.owner, l.pid, l.host, l.since, l.heartbeat
