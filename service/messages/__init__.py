"""Messages inside an application, between the enterprise and the applicant."""
