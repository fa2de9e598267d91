"""The accounts toolset: its tools and resources, through the in-process client."""
