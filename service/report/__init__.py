"""The program value report: what a community's program did for its members, over a period."""
