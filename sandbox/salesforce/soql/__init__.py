"""A hand-written SOQL subset: lexer, parser, semantic compiler (against the org's describe) and executor."""
