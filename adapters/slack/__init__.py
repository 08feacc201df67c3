"""The Slack face: slack-bolt's AsyncApp in Socket Mode or HTTP mode, Block Kit, daily posts."""
