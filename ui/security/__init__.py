"""The desktop app's security controls: idle lock, the lock sequence, OS session lock, clipboard guard."""
