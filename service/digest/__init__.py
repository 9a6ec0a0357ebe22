"""The weekly digest e-mail: content per role, rendering, delivery at most once, schedules."""
