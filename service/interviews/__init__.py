"""Interviews on applications: proposed by the enterprise, confirmed or declined by the student,
rescheduled in place, downloadable as iCalendar."""
