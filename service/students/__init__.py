"""Students: accounts created by their school, profiles, and the masking of their personal data."""
