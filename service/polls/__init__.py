"""Member polls of the shortlist: members rank topics, suggest angles and volunteer."""
