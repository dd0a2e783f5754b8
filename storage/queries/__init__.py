"""Every query, as functions that take the session; one module per part of the schema.

Each query is scoped to one user (DESIGN §8); none commits: the caller's
transaction (one per update, opened by the diary layer) decides.
"""
