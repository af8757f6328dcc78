#!/usr/bin/env python3
"""A minimal reference host for the benchmark comparison of docs/benchmarks.md (issue 13).

One process, one thread, one asyncio event loop: STOMP 1.2 over mutual TLS (stdlib ssl, OpenSSL),
JSON-RPC 2.0 requests SENT to jms.topic.vdsm_requests answered with a MESSAGE to the connection's
subscription covering the request's reply-to. It knows Host.ping2 (answered true) and answers
every other method with -32601. Just enough of a host to measure what a small call costs a plain
single-threaded event loop; it is a yardstick, not a product.

Usage: reference_host.py --pki-dir DIR [--bind 127.0.0.1] [--port 0]
Prints "reference-host listening on ADDRESS:PORT" once it accepts connections.
"""

import argparse
import asyncio
import json
import os
import ssl
import sys

REQUESTS = "jms.topic.vdsm_requests"
DEFAULT_REPLY_TO = "jms.topic.vdsm_responses"
MAX_FRAME = 1 << 20  # bytes: a peer that sends more without a complete frame is cut off
MAX_HEARTBEAT_MS = 60_000


def parse_heart_beat(value):
    try:
        cx, cy = (int(v) for v in value.split(","))
        return max(cx, 0), max(cy, 0)
    except (ValueError, AttributeError):
        return 0, 0


class StompConnection(asyncio.Protocol):
    """One engine connection: frames in, answers out; everything on the loop thread."""

    def __init__(self, session_number):
        self.buffer = bytearray()
        self.transport = None
        self.subscriptions = {}  # destination -> subscription id
        self.session = "session-%d" % session_number
        self.message_ids = 0
        self.heart_beat_task = None
        self.last_read = 0.0
        self.receive_ms = 0

    def connection_made(self, transport):
        self.transport = transport
        self.last_read = asyncio.get_running_loop().time()

    def connection_lost(self, exc):
        if self.heart_beat_task is not None:
            self.heart_beat_task.cancel()

    def data_received(self, data):
        self.last_read = asyncio.get_running_loop().time()
        buffer = self.buffer
        buffer += data
        start = 0
        while True:
            # Heart-beats and padding between frames: bare EOLs.
            while start < len(buffer) and buffer[start] in (10, 13):
                start += 1
            end_of_headers = buffer.find(b"\n\n", start)
            if end_of_headers < 0:
                break
            head = bytes(buffer[start:end_of_headers]).decode("utf-8").replace("\r\n", "\n")
            lines = head.split("\n")
            headers = {}
            for line in lines[1:]:
                key, sep, value = line.partition(":")
                if sep and key not in headers:
                    headers[key] = value
            body_start = end_of_headers + 2
            length = headers.get("content-length")
            if length is not None:
                try:
                    length = int(length)
                except ValueError:
                    self.error("malformed content-length")
                    return
                if length < 0 or length > MAX_FRAME:
                    self.error("frame too large")
                    return
                if len(buffer) < body_start + length + 1:
                    break
                body = bytes(buffer[body_start:body_start + length])
                start = body_start + length + 1
            else:
                nul = buffer.find(b"\0", body_start)
                if nul < 0:
                    break
                body = bytes(buffer[body_start:nul])
                start = nul + 1
            self.frame(lines[0].strip(), headers, body)
            if self.transport.is_closing():
                return
        del buffer[:start]
        if len(buffer) > MAX_FRAME:
            self.error("frame too large")

    def frame(self, command, headers, body):
        if command in ("CONNECT", "STOMP"):
            cx, cy = parse_heart_beat(headers.get("heart-beat", "0,0"))
            send_ms = min(max(cy, 5_000), MAX_HEARTBEAT_MS) if cy else 0
            self.receive_ms = min(max(cx, 5_000), MAX_HEARTBEAT_MS) if cx else 0
            self.write(b"CONNECTED\nversion:1.2\nheart-beat:%d,%d\nsession:%s\n\n\0"
                       % (send_ms, self.receive_ms, self.session.encode()))
            if send_ms or self.receive_ms:
                self.heart_beat_task = asyncio.get_running_loop().create_task(self.heart_beats(send_ms))
        elif command == "SUBSCRIBE":
            self.subscriptions[headers.get("destination", "")] = headers.get("id", "")
            self.receipt(headers)
        elif command == "UNSUBSCRIBE":
            sub = headers.get("id")
            self.subscriptions = {d: i for d, i in self.subscriptions.items() if i != sub}
            self.receipt(headers)
        elif command == "SEND":
            if headers.get("destination") == REQUESTS:
                self.answer(headers.get("reply-to", DEFAULT_REPLY_TO), body)
            self.receipt(headers)
        elif command == "DISCONNECT":
            self.receipt(headers)
            self.transport.close()
        elif command in ("ACK", "NACK", "BEGIN", "COMMIT", "ABORT"):
            self.receipt(headers)
        else:
            self.error("unexpected frame " + command)

    def answer(self, reply_to, body):
        try:
            request = json.loads(body)
        except ValueError:
            response = {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}}
        else:
            if not isinstance(request, dict) or "method" not in request:
                response = {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "Invalid Request"}}
            elif "id" not in request:
                return  # a notification: never answered
            elif request["method"] == "Host.ping2":
                response = {"jsonrpc": "2.0", "id": request["id"], "result": True}
            else:
                response = {"jsonrpc": "2.0", "id": request["id"],
                            "error": {"code": -32601, "message": "Method not found: %s" % request["method"]}}
        subscription = self.subscriptions.get(reply_to)
        if subscription is None:
            return
        payload = json.dumps(response, separators=(",", ":")).encode()
        self.message_ids += 1
        self.write(b"MESSAGE\ndestination:%s\nsubscription:%s\nmessage-id:%s-%d\n"
                   b"content-type:application/json\ncontent-length:%d\n\n%s\0"
                   % (reply_to.encode(), subscription.encode(), self.session.encode(), self.message_ids,
                      len(payload), payload))

    def receipt(self, headers):
        receipt = headers.get("receipt")
        if receipt is not None:
            self.write(b"RECEIPT\nreceipt-id:%s\n\n\0" % receipt.encode())

    def error(self, message):
        self.write(b"ERROR\nmessage:%s\n\n\0" % message.encode())
        self.transport.close()

    def write(self, data):
        if not self.transport.is_closing():
            self.transport.write(data)

    async def heart_beats(self, send_ms):
        loop = asyncio.get_running_loop()
        tick = min(v for v in (send_ms, self.receive_ms) if v) / 1000.0
        while not self.transport.is_closing():
            await asyncio.sleep(tick)
            if send_ms:
                self.write(b"\n")
            if self.receive_ms and loop.time() - self.last_read > 2 * self.receive_ms / 1000.0:
                self.transport.close()


def tls_context(pki_dir):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(pki_dir, "certs", "vdsmcert.pem"), os.path.join(pki_dir, "keys", "vdsmkey.pem"))
    ctx.load_verify_locations(os.path.join(pki_dir, "certs", "cacert.pem"))
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pki-dir", required=True)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sessions = [0]

    def connection():
        sessions[0] += 1
        return StompConnection(sessions[0])

    server = await asyncio.get_running_loop().create_server(
        connection, args.bind, args.port, ssl=tls_context(args.pki_dir), ssl_handshake_timeout=10)
    address, port = server.sockets[0].getsockname()[:2]
    print("reference-host listening on %s:%d" % (address, port), flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
