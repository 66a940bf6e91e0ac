"""Services that run the engine against the database and say what to send where."""
