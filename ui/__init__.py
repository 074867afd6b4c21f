"""The PySide6 desktop app: calls core services, never SQL, never sqlalchemy."""
