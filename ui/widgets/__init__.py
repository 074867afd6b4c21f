"""Small shared widgets: the en-GB date edit, the passphrase strength meter, inline messages, icons."""
