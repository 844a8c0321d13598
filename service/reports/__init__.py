"""The mismatch report: indicators and adjustment actions per major (docs/design/policy.md §2)."""
