"""Discord extensions, one per feature; each has `async def setup(bot)`."""
