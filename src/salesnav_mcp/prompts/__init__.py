"""Prompts for the workflows people run: prospecting, SSI coaching, outreach drafting, account research."""
