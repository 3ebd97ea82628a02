"""The actuals: files read and checked cell by cell, layered, derived, and the template to fill."""
