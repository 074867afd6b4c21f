"""The action plan: recommendations in the Home Office template's terms, their status and progress updates."""
