"""The committee's use cases: each action on a suggestion, written once for the API and pages."""
