"""baresip, a real SIP user agent, driven as a person would press its keys: through its
ctrl_tcp module (netstring JSON commands: dial, transfer, hangup)."""

import json
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from hotline.voice.edge import program
from hotline.voice.tests.sipp import free_tcp_port, free_udp_port, free_udp_ports, pcm_tone

CONFIG = """poll_method epoll
net_interface 127.0.0.1
sip_listen 127.0.0.1:{sip_port}
sip_transports udp
rtp_ports {rtp_low}-{rtp_high}
audio_source aufile,{speech}
audio_player aufile,{heard}
audio_alert aufile,{heard}.alert
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module account.so
module menu.so
module ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{control_port}
"""


class Baresip:
    """One baresip with one account (`aor` and its parameters, as in baresip's accounts file)."""

    def __init__(self, folder: Path, account: str):
        folder.mkdir(parents=True)
        self.folder, self.control_port = folder, free_tcp_port()
        rtp_low, rtp_high = free_udp_ports(8)  # a call moved to another takes new ports
        (folder / "config").write_text(
            CONFIG.format(
                sip_port=free_udp_port(),
                rtp_low=rtp_low,
                rtp_high=rtp_high,
                heard=folder / "heard.wav",
                speech=pcm_tone(folder / "speech.wav", seconds=60),  # baresip hangs up at its end
                control_port=self.control_port,
            )
        )
        (folder / "accounts").write_text(account + "\n")
        self.output = folder / "baresip.log"
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(
                [program("baresip"), "-f", str(folder), "-v"], stdout=out, stderr=subprocess.STDOUT
            )

    def log(self) -> str:
        return self.output.read_text(errors="replace")

    def command(self, name: str, params: str = "") -> dict[str, Any]:
        """A menu command (as typed after "/"), answered by baresip."""
        message = json.dumps({"command": name, "params": params, "token": name}).encode()
        deadline = time.monotonic() + 10
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", self.control_port), 1)
                break
            except OSError:  # not listening yet
                assert time.monotonic() < deadline, self.log()[-3000:]
                time.sleep(0.1)
        with connection:
            connection.sendall(b"%d:%s," % (len(message), message))
            connection.settimeout(5)
            data = b""
            while True:  # events may come first: the answer is the one that says so
                data += connection.recv(65536)
                while b":" in data:
                    length, _, rest = data.partition(b":")
                    if len(rest) < int(length) + 1:
                        break
                    answer: dict[str, Any] = json.loads(rest[: int(length)])
                    data = rest[int(length) + 1 :]
                    if answer.get("response"):
                        return answer

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
