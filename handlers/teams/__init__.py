"""The Microsoft Teams front end: the same flows as Slack's, rendered as Adaptive Cards and
carried by the Teams SDK for Python (docs/teams-sdk.md)."""
