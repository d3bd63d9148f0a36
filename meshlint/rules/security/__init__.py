"""ML7xx: security: authorization, authentication and mTLS."""
