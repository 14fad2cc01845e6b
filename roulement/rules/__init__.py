"""Rules of law, plant and contract: each checks a roster and encodes itself for the solver."""
