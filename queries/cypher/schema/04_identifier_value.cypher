CREATE CONSTRAINT identifier_value IF NOT EXISTS FOR (n:Identifier) REQUIRE n.value IS UNIQUE
