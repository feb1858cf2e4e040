"""Message intake: every message, live, edited or replayed after downtime, goes through
pipeline.Pipeline; catchup.CatchUp tracks what was seen and catchup_store holds its cursors."""
