"""Chat-platform front ends of Palier (Slack now, Microsoft Teams later)."""
