"""Account recovery: a school resets its student's password, a regulator an organisation's
account, anyone else through a mailed one-time link."""
