"""Matching: alignment, recommendations, partner programmes."""
