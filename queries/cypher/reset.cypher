// Delete every node of one ubo label, with its relationships, in batches of
// committed transactions (needs an auto-commit session). Rendered per label:
// __LABEL__ is one of a fixed list in Go (Cypher cannot parameterise labels
// without losing the label scan).
MATCH (n:__LABEL__)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 5000 ROWS
