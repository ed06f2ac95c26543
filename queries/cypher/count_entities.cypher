// Entities by kind from the count store (label counts are O(1)).
CALL { MATCH (n:Company) RETURN count(n) AS company }
CALL { MATCH (n:Person) RETURN count(n) AS person }
CALL { MATCH (n:StateBody) RETURN count(n) AS state_body }
CALL { MATCH (n:Arrangement) RETURN count(n) AS arrangement }
CALL { MATCH (n:UnknownHolder) RETURN count(n) AS unknown }
CALL { MATCH (n:Run) RETURN count(n) AS runs }
RETURN company, person, state_body, arrangement, unknown, runs
