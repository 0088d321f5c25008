"""Intervision: forming peer consultation groups of managers (engine only, no Django)."""
