"""What the report notebooks show: the shared context, a region's page, the overview, charts."""
