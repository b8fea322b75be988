"""A live stream for the tests: frames served as MJPEG over HTTP on 127.0.0.1 at a fixed frame rate, as a network
camera serves them (OpenCV reads it as a stream URL)."""
import socketserver
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

import cv2
import numpy as np


class MJPEGStream:
    """``count`` frames (``frame(i)`` gives frame i, BGR) at ``fps`` to every client, from frame 0; ``url`` while
    the ``with`` block runs; ``sent`` counts the frames sent to the last client."""

    def __init__(self, frame: Callable[[int], np.ndarray], count: int, fps: float) -> None:
        self.frame, self.count, self.fps = frame, count, fps
        self.sent = 0
        stream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header('Content-Type', 'multipart/x-mixed-replace; boundary=frame')
                self.end_headers()
                stream.sent, start = 0, time.monotonic()
                for index in range(stream.count):
                    jpeg = cv2.imencode('.jpg', stream.frame(index))[1].tobytes()
                    try:
                        self.wfile.write(b'--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n%s\r\n'
                                         % (len(jpeg), jpeg))
                    except (BrokenPipeError, ConnectionResetError):
                        return
                    stream.sent += 1
                    time.sleep(max(0.0, start + (index + 1) / stream.fps - time.monotonic()))

            def log_message(self, *args) -> None:
                pass

        self.server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}/stream.mjpg'

    def __enter__(self) -> 'MJPEGStream':
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
