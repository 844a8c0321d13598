"""Policy profiles (warning thresholds as data) and the profile each region uses."""
