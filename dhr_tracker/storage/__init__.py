"""Storage: the encrypted SQLCipher database, its schema migrations and its backups."""
