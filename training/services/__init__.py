"""State changes for the training app, one module per area (personnel, curriculum)."""
