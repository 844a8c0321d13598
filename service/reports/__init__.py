"""The mismatch report: supply-demand indicators and adjustment actions per major (POLICY.md §2)."""
