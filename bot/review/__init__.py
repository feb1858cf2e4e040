"""The moderators' review queue: cases for flagged messages, decisions, audit, stats, retention."""

from bot.review.models import (
    CLAIMED,
    CONFIRMED,
    DISMISSED,
    OPEN_STATUSES,
    PENDING,
    REOPENED,
    AuditEntry,
    BacktestReport,
    Case,
    CaseHit,
    Decision,
    DecisionResult,
    NewCase,
    ReviewAction,
    RuleStats,
    Stats,
)
from bot.review.service import AppealResult, ReviewService

__all__ = [
    "CLAIMED",
    "CONFIRMED",
    "DISMISSED",
    "OPEN_STATUSES",
    "PENDING",
    "REOPENED",
    "AppealResult",
    "AuditEntry",
    "BacktestReport",
    "Case",
    "CaseHit",
    "Decision",
    "DecisionResult",
    "NewCase",
    "ReviewAction",
    "ReviewService",
    "RuleStats",
    "Stats",
]
