"""Security: the audit trail and passphrase change (the single-writer lock and backups are in `storage`).

Qt-free: the desktop app calls these; the idle lock and the clipboard live in `ui/security/`.
"""
