"""Storage: the encrypted SQLCipher database (and the team database on PostgreSQL), its schema migrations, the single-writer lock and its backups."""
