"""Adapter code every face shares: plain-text rendering, id codecs, the health endpoint."""
