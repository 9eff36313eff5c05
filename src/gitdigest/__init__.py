"""gitdigest: digest a mailing list's public-inbox archive into series, revisions and statistics."""

__version__ = "0.1.0"
