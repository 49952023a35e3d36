"""The time as a test moves it: one stand-in for `hotline.clock.now`."""

from datetime import datetime, timedelta


class MovingClock:
    """Stands in for `hotline.clock.now` (patch it in: `monkeypatch.setattr("hotline.clock.now",
    clock)`): it stands still until the test moves it on with `advance(minutes=...)`."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move on by `timedelta(**delta)`; the new time."""
        self.now += timedelta(**delta)
        return self.now

    def tick(self) -> dict[str, int]:
        """What `hotline worker` does every second: run the floor's timers at the current time;
        how many of each fired."""
        # Imported here: the floor's services need the app registry, a clock alone does not.
        from hotline.calls.services.tick import floor_tick

        return floor_tick(self.now).fired
