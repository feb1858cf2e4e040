"""The keyword policy: normalise messages, match them against a guild's rules, explain why.

No Discord here: the cogs and the console drive `PolicyService` (core.policy).
"""

from bot.policy.matcher import CompiledPolicy, Hit, Verdict, compile_policy, evaluate, evaluate_with
from bot.policy.model import PolicyError, PolicySpec, Rule, WordList, default_policy
from bot.policy.normalize import Normalized, normalize
from bot.policy.service import PolicyService
from bot.policy.store import PolicyChange

__all__ = [
    "CompiledPolicy",
    "Hit",
    "Normalized",
    "PolicyChange",
    "PolicyError",
    "PolicyService",
    "PolicySpec",
    "Rule",
    "Verdict",
    "WordList",
    "compile_policy",
    "default_policy",
    "evaluate",
    "evaluate_with",
    "normalize",
]
