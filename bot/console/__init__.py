"""The offline console, a front-end like cogs/ and bot/cli/: app.py runs the session and the
command registry; review.py, policy.py, knowledge.py and learning.py register each feature's
commands. It parses input, calls the core and formats the core's render rows."""

from bot.console.app import open_session, run_console, run_terminal

__all__ = ["open_session", "run_console", "run_terminal"]
