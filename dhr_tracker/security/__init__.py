"""Security and reliability: the single-writer lock, the audit trail, backups and restore, passphrase change.

Qt-free: the desktop app calls these; the idle lock and the clipboard live in `ui/security/`.
"""
