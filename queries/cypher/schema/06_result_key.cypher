CREATE CONSTRAINT result_key IF NOT EXISTS FOR (n:Result) REQUIRE (n.run_id, n.entity_id) IS UNIQUE
