"""Reference catalogues: regions, industries, occupations, majors, the priority-industry list."""
