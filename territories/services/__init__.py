"""The rules of territories: joining the platform (sites), importing the official list, who sees what."""
