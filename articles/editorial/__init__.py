"""The editorial workflow: roles, the one write path for stories (workflow), revisions."""
