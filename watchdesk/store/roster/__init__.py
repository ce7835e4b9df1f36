"""The roster's store: the repository, its checks, its planning (rotations, imports) and the holiday calendar cache."""
