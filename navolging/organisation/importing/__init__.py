"""HR import. The plain modules (reader, fields, validate, plan, base_programme) know nothing of
Django: they take bytes and plain data and return dataclasses, so they can be tested and fuzzed
alone. services.py is the Django side: it loads the current state and writes the plan."""
