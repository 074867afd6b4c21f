"""The Help menu: the user guide in a window, and the About box."""
