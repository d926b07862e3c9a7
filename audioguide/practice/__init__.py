"""The practice: what a person has done, kept in a SQLite log in their state folder, and the streaks it makes."""
