"""voci: Italian calciomercato rumours, fetched, read, grouped and scored for credibility."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/voci-mercato/voci"
USER_AGENT = f"voci/{__version__} (+{PROJECT_URL}; transfer-rumour research bot)"
