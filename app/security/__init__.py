"""Keys, ciphers, password hashes and signed tokens."""
