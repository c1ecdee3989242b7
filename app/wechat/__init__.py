"""WeChat official-account integration: gateway, token caches and a local stand-in."""
