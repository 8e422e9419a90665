"""Loopback ports for the servers a test session starts."""
import socket


def free_port():
    """A port free on 127.0.0.1 right now (the OS picks it; the socket is then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
