// Renew the scoring lock's heartbeat while $token holds it; no row when
// another process took it over (the lock had expired).
MATCH (l:UboState {id: 'score-lock'})
WHERE l.token = $token
SET l.heartbeat = datetime()
RETURN l.token AS token
