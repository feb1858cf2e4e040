"""Rete: the community bot of a blogging and social-media-marketing academy."""

__version__ = "0.1.0"
