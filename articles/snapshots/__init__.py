"""Reader pages rendered once per change instead of once per reader.

A public story's page is its parts (the blocks its template fills in base.html) rendered when
the story changes and kept in the database (store.py), the site's chrome around them rendered
once per "site" version (shell.py), and the appeals, chosen per page as before, filled into
the slots the parts leave for them (slots.py). story_page.py puts these together; a missing or
out-of-date snapshot is rebuilt on the spot, so a reader never waits for the background task
(tasks.py) that rebuilds snapshots after each change.
"""
