"""The chanjiao application: HTTP API, command line, scheduled jobs and pages."""
