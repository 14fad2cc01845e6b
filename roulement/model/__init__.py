"""The domain model: scenario (`scenario`), calendar, roster, demand slots, skill groups, scenario edits and
web input. Import from the module that defines a name; this package re-exports nothing."""
