"""tokencost bot: the Slack app, the store, the digest and the CLI (the edges of the project)."""
