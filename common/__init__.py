"""Plumbing every app uses and no domain models: rate limiting, form helpers, file
responses, access decorators, the admin's read-only base, spreadsheet writing."""
