"""The Discord face: discord.py app commands, restart-proof buttons, embeds, daily posts."""
