"""A Mender server that hands out one deployment, for the tests of
otaux-mender-script with `mender daemon` (tests/mender/test_mender.py).

It runs in a thread of the test: it accepts every auth request (any token),
takes inventory with 200 (Mender counts 204 as an error), answers
deployments/next once with the artifact (204 afterwards), serves the
artifact, and records the status reports (chunked bodies) in `statuses`.
"""
import http.server
import json
import threading
import time


class MenderServer:
    def __init__(self, artifact, artifact_name, device_type):
        self.artifact = artifact
        self.artifact_name = artifact_name
        self.device_type = device_type
        self.statuses = []   # the deployment's status reports, in order
        self.requests = []   # (method, path)
        self.events = []     # 'HH:MM:SS.mmm METHOD PATH [status]', for a failure's message
        self.served = False
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def _body(self):
                if self.headers.get('Transfer-Encoding') == 'chunked':
                    data = b''
                    while True:
                        n = int(self.rfile.readline().strip(), 16)
                        if n == 0:
                            self.rfile.readline()
                            return data
                        data += self.rfile.read(n)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get('Content-Length', 0)))

            def _reply(self, code, data=b'', ctype='application/json'):
                self.send_response(code)
                self.send_header('Content-Type', ctype)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self):
                body = self._body() if self.command in ('POST', 'PUT', 'PATCH') else b''
                server.requests.append((self.command, self.path))
                stamp = time.strftime('%H:%M:%S', time.gmtime()) + '.%03d' % (time.time() % 1 * 1000)
                status = json.loads(body).get('status') if self.path.endswith('/status') else ''
                server.events.append(f'{stamp} {self.command} {self.path} {status}'.rstrip())
                if self.path.endswith('/authentication/auth_requests'):
                    return self._reply(200, b'otaux-test-token', 'application/jwt')
                if self.path.endswith('/deployments/next'):
                    if server.served:
                        return self._reply(204)
                    server.served = True
                    host = self.headers['Host']
                    return self._reply(200, json.dumps({
                        'id': 'otaux-deployment-1',
                        'artifact': {
                            'artifact_name': server.artifact_name,
                            'device_types_compatible': [server.device_type],
                            'source': {'uri': f'http://{host}/artifact.mender',
                                       'expire': '2099-01-01T00:00:00Z'}}}).encode())
                if self.path == '/artifact.mender':
                    with open(server.artifact, 'rb') as f:
                        return self._reply(200, f.read(), 'application/vnd.mender-artifact')
                if self.path.endswith('/status'):
                    server.statuses.append(json.loads(body).get('status'))
                    return self._reply(204)
                if '/deployments/' in self.path:  # the deployment's log
                    return self._reply(204)
                return self._reply(200)  # inventory: 200, never 204

            do_GET = do_POST = do_PUT = do_PATCH = _handle

        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def describe(self):
        """What the server heard, for a failure's message."""
        return (f'statuses: {self.statuses}\n' + '\n'.join(self.events[-60:]))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
