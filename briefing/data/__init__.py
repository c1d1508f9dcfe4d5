"""Data files: dictionary, stop words, gazetteer, glossary, cleaning patterns."""
