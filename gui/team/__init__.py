"""Team work in the window: review, agreement and how suggestions were used."""
