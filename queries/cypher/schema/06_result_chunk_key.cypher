CREATE CONSTRAINT result_chunk_key IF NOT EXISTS FOR (n:ResultChunk) REQUIRE (n.run_id, n.seq) IS UNIQUE
