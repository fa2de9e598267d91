"""The insights toolset: SSI, its history and coaching, InMail credits, overview, capacity."""
