"""The Prepare view: every section of the preparation, edited through the services."""
