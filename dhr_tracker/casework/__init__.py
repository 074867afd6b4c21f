"""Cases: creating, changing, finding and listing reviews."""
