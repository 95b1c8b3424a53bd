"""Palier's domain: settings, services, scheduling, progress. No chat-platform imports."""
