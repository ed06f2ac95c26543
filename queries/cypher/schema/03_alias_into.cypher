CREATE INDEX alias_into IF NOT EXISTS FOR (n:Alias) ON (n.into)
