"""File readers for the training app, one module per format. Pure: bytes in, rows out, no ORM."""
