"""Writes to annotations and the codebook, one module per concern. The pages, the API
and the importers all call these, so a rule holds the same wherever a change comes from.

- ``annotations``: create (one, many, or as the reader's form sends it), check, change;
  the rule that an annotated document's text cannot change.
- ``trash``: move an annotation to the trash, restore it, empty a project's trash.
- ``codebook``: actors and claims: create, change, merge, delete.
- ``history``: how a change names who made it and why, the history records written by
  hand on the fast paths, and an object's history read back.

Callers import from the module of the concern, so that the import says which one it is.
"""
