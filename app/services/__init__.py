"""The use cases. Services add and flush; the request or job that calls them commits."""
