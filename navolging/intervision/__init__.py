"""Intervision: peer consultation groups of managers, and the engine that forms them."""
