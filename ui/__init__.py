"""Caucus console (Qt). Imports app; app never imports this package."""
