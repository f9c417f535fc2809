"""The demo data set behind `blogapi seed-demo`: deterministic, realistic and quick to load."""
