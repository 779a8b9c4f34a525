"""One module per CRM: how to start its sandbox and the Harness the contract suite runs against it."""
