"""Support for whisper's fault tests: a real whisper-server on 127.0.0.1 (server.py),
a small RFC 6455 client over plain sockets (wsclient.py), and a pair of well-behaved
chat clients that must not lose a message whatever else happens (chat_pair.py)."""
