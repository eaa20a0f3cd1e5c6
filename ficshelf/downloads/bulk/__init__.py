"""Bulk downloads (issue 5): a series, a reading list or a creator's own works as one zip."""
