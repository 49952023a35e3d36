"""`hotline voice config`: write the SIP edge's configuration from Hotline's settings and queues;
`hotline voice run`: write it and run rtpengine and Kamailio with it until interrupted;
`hotline voice prompts`: make the prompts and hold music waiting callers hear;
`hotline voice dtmf`: relay the keys callers press to Hotline (started by `run` itself)."""

import os
import shlex
import signal
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline import clock
from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.services import api_token_create
from hotline.voice.dtmf import listening
from hotline.voice.edge import (
    VoiceEdge,
    kamailio_cfg,
    kamailio_command,
    rtpengine_command,
    tls_cfg,
)
from hotline.voice.prompts import HOLD_MUSIC, generate_prompts
from hotline.voice.stack import EdgeDidNotStart, running_edge


class Command(BaseCommand):
    help = (
        "The SIP edge (Kamailio + rtpengine): `hotline voice config --out DIR` writes "
        "kamailio.cfg and rtpengine's command line from Hotline's settings and queues; "
        "`hotline voice run --out DIR` writes them and runs both until interrupted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("config", "Write the configuration."),
            ("run", "Write the configuration and run the edge until interrupted."),
        ):
            action = sub.add_parser(name, help=text)
            action.add_argument("--out", required=True, help="The folder to write into.")
            who = action.add_mutually_exclusive_group(required=True)
            who.add_argument("--token", help="An API token of a PBX user for Kamailio to send.")
            who.add_argument(
                "--pbx-user", help="Make a new API token for this PBX user (see `hotline token`)."
            )
            action.add_argument("--days", type=int, default=None, help="Its lifetime, in days.")
        dtmf = sub.add_parser(
            "dtmf",
            help="Relay the keys callers press (rtpengine's reports) to Hotline until "
            "interrupted: `run` does it itself; with `config`, start it beside the programs.",
        )
        who = dtmf.add_mutually_exclusive_group(required=True)
        who.add_argument("--token", help="An API token of a PBX user.")
        who.add_argument("--pbx-user", help="Make a new API token for this PBX user.")
        dtmf.add_argument("--days", type=int, default=None, help="Its lifetime, in days.")
        prompts = sub.add_parser(
            "prompts", help="Speak the waiting callers' prompts (espeak-ng) and the hold music."
        )
        prompts.add_argument(
            "--out",
            default=None,
            help="The folder to write into (default: HOTLINE_VOICE_PROMPTS_DIR).",
        )
        prompts.add_argument(
            "--language",
            action="append",
            choices=[code for code, _ in settings.LANGUAGES],
            help="Only this language (repeat for more; default: all of Hotline's).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "prompts":
            self._prompts(options["out"], options["language"])
            return
        if options["action"] == "dtmf":
            token = options["token"] or self._new_token(options["pbx_user"], options["days"])
            self._relay_keys(VoiceEdge.from_settings(Path.cwd()), token)
            return
        out = Path(options["out"]).resolve()
        out.mkdir(parents=True, exist_ok=True)
        now = clock.now()
        try:  # a bad setting stops it before a token is made
            edge = VoiceEdge.from_settings(out).with_queues()
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        token = options["token"] or self._new_token(options["pbx_user"], options["days"])
        try:
            if options["action"] == "run":
                self._run(edge, token)
                return
            cfg = out / "kamailio.cfg"
            cfg.write_text(kamailio_cfg(edge, token=token, generated_at=now))
            os.chmod(cfg, 0o600)  # it holds the token
            if edge.tls:
                (out / "tls.cfg").write_text(tls_cfg(edge))
            if edge.recording_spool is not None:  # rtpengine records there (pcap)
                edge.recording_spool.mkdir(parents=True, exist_ok=True)
            rtpengine = shlex.join(rtpengine_command(edge))
            (out / "rtpengine.command").write_text(rtpengine + "\n")
            kamailio = shlex.join(kamailio_command(edge, cfg))
        except (FileNotFoundError, ValueError) as problem:  # a program missing, a bad setting
            raise CommandError(str(problem)) from None
        self.stdout.write(f"wrote {cfg} (queues: {', '.join(edge.queues) or 'none'})")
        self.stdout.write(f"start rtpengine first:\n  {rtpengine}\nthen Kamailio:\n  {kamailio}")
        self.stdout.write(
            "and the callers' keys (A2's callback by DTMF): hotline voice dtmf --token TOKEN"
        )

    def _prompts(self, out: str | None, languages: list[str] | None) -> None:
        folder = Path(out).resolve() if out else settings.HOTLINE_VOICE_PROMPTS_DIR
        try:
            written = generate_prompts(folder, languages=languages)
        except FileNotFoundError as missing:
            raise CommandError(str(missing)) from None
        self.stdout.write(
            f"wrote {len(written)} prompts in {folder}; replace one for a queue with "
            f"{folder}/<queue code>/<name>.wav"
        )

    def _relay_keys(self, edge: VoiceEdge, token: str) -> None:
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
        try:
            with listening(port=edge.dtmf_port, api_url=edge.api_url, token=token):
                self.stdout.write(f"relaying callers' keys from udp:127.0.0.1:{edge.dtmf_port}")
                while not stop["now"]:
                    time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        except OSError as busy:  # the port is taken: `run` relays them already?
            raise CommandError(str(busy)) from None

    def _new_token(self, username: str, days: int | None) -> str:
        user = User.objects.filter(username=username).first()
        if user is None or user.role != Role.PBX:
            raise CommandError(f"{username!r} is not a PBX user")
        try:
            return api_token_create(
                actor=None, now=clock.now(), user=user, name="SIP edge", days=days
            )[1]
        except ValidationError as refused:
            raise CommandError(refused.messages[0]) from None

    def _run(self, edge: VoiceEdge, token: str) -> None:
        folder = settings.HOTLINE_VOICE_PROMPTS_DIR
        if not (folder / f"{HOLD_MUSIC}.wav").exists():
            try:  # once: `hotline voice prompts` (or `make prompts`) makes them again
                self.stdout.write(f"no prompts in {folder} yet: making them (espeak-ng)")
                generate_prompts(folder)
            except FileNotFoundError as missing:
                self.stderr.write(f"{missing}: waiting callers hear ringing, no prompts")
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
        try:
            with running_edge(edge, token=token, now=clock.now()) as running:
                self.stdout.write(
                    f"SIP edge on udp:{edge.sip_address}:{edge.sip_port} and "
                    f"ws://{edge.sip_address}:{edge.ws_port}; logs in {edge.run_dir}"
                )
                while not stop["now"]:
                    for child in (running.kamailio, running.rtpengine):
                        if child.poll() is not None:
                            raise CommandError(f"a program of the edge stopped:\n{running.logs()}")
                    time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        except EdgeDidNotStart as failed:
            raise CommandError(str(failed)) from None
