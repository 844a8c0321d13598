"""Applications of students to positions, from submission to acceptance; headcount is law."""
