"""A référentiel uploaded in one workspace is that workspace's: with Palier installed in
two workspaces (OAuth), the admin of A adds one from A's DM (files read with A's own
token), and B's admin can neither enrol anyone on it nor see it among the référentiels."""

from __future__ import annotations

from emulators.slack import SlackDriver
from tests.slack import test_oauth
from tests.slack.conftest import ALICE, BOB
from tests.slack.test_oauth import BETA, BETH, OAuthWorld, Site
from tests.slack.test_referentiel_upload import UPLOAD

BEA = "U0BEA"  # in workspace BETA
# test_oauth's fixtures: Palier in OAuth mode, served over HTTP.
oauth_world = test_oauth.oauth_world
site = test_oauth.site


def _answer(driver: SlackDriver, world: OAuthWorld, user: str, text: str) -> str:
    seen = len(world.emulator.ephemerals_for(user))
    assert driver.slash_command(user, "/palier", text).ok
    found = world.emulator.wait_for(
        lambda: (m := world.emulator.ephemerals_for(user)) and len(m) > seen and m
    )
    return found[-1].text or ""


def test_workspace_b_cannot_see_or_enrol_on_workspace_a_s_referentiel(
    oauth_world: OAuthWorld, site: Site
) -> None:
    emulator = oauth_world.emulator
    emulator.add_user(BEA, "bea", "Béa Roux", "bea@beta.example", team_id=BETA)
    emulator.update_user(BOB, is_admin=True)
    emulator.update_user(BETH, is_admin=True)
    site.install(ALICE)
    site.install(BETH)
    driver = site.driver()

    assert driver.upload_file(BOB, "matrice.tsv", UPLOAD, text="ae-nord").ok
    review = oauth_world.dms(BOB)[-1]
    assert SlackDriver.button_labels(review) == ["Add to the workspace", "Cancel"]
    [download] = emulator.calls_to("files.download")
    assert download.status == 200 and download.token == emulator.bot_token  # A's token
    driver.click(BOB, review, text="Add to the workspace")
    emulator.settle()
    assert "is added to this workspace" in (emulator.message(review.channel, review.ts).text or "")
    enrolled = _answer(driver, oauth_world, BOB, f"admin enrol <@{ALICE}|alice> ae-nord")
    assert enrolled == f"<@{ALICE}> is enrolled on “AE Nord 2027”."

    refused = _answer(driver, oauth_world, BETH, f"admin enrol <@{BEA}|bea> ae-nord")
    assert refused == (
        "Ce référentiel n'existe pas. Référentiels disponibles : account-executive, "
        "business-developer, manager-equipe-vendeurs-b2b, manager-grands-comptes, "
        "responsable-developpement-commercial"
    )
    # ... while A's admin is offered it among A's when they mistype it.
    mistyped = _answer(driver, oauth_world, BOB, f"admin enrol <@{ALICE}|alice> ae-nor")
    assert "ae-nord" in mistyped, mistyped
