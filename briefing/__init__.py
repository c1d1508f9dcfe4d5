"""briefing: turn a folder of industry sources into a cited executive briefing."""

__version__ = "0.1.0"
