"""Single sign-on use cases: a person signed in by the provider, and mapping changes."""
