"""SmarterMail REST API v1 simulator (real HTTP/HTTPS on 127.0.0.1)."""
