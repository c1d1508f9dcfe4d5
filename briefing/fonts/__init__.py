"""Fonts shipped with the install and embedded in every PDF."""
