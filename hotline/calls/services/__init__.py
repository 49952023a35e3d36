"""Call-floor services: every state change of agents, calls, offers, transfers and callbacks."""
