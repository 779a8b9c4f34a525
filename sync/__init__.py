"""Sync: run streams (read -> map -> check -> land with the cursor in one transaction), schedule them, write back."""
