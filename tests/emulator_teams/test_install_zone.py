"""What Teams says of the person when the app is installed: their language, not their
time zone (Microsoft's published installationUpdate example), which later activities
carry."""

from __future__ import annotations

from emulators.teams import TeamsDriver, TeamsEmulator, User


def test_the_install_event_tells_the_language_but_not_the_time_zone(
    driver: TeamsDriver, bob: User
) -> None:
    install, update = driver.install(bob)
    assert install.activity is not None and update.activity is not None
    activity = install.activity
    assert activity["type"] == "installationUpdate" and activity["locale"] == "en-US"
    assert activity["entities"] == [{"type": "clientInfo", "locale": "en-US", "platform": "Web"}]
    assert "localTimezone" not in activity and "localTimestamp" not in activity
    # What the person sends afterwards says where they are.
    said = driver.send_message(bob, "hello").activity
    assert said is not None and said["localTimezone"] == "America/New_York"
    assert said["entities"][0]["timezone"] == "America/New_York"


def test_a_client_that_moves_says_so_from_then_on(
    emulator: TeamsEmulator, driver: TeamsDriver, bob: User
) -> None:
    driver.install(bob)
    moved = emulator.set_client(bob, timezone="Asia/Tokyo", locale="ja-JP")
    assert (moved.timezone, moved.locale) == ("Asia/Tokyo", "ja-JP")
    assert bob.timezone == "America/New_York"  # the test's own copy is left alone
    said = driver.send_message(bob, "hello").activity
    assert said is not None
    assert (said["localTimezone"], said["locale"]) == ("Asia/Tokyo", "ja-JP")
    assert said["entities"][0]["timezone"] == "Asia/Tokyo"
    assert said["localTimestamp"].endswith("+09:00")
