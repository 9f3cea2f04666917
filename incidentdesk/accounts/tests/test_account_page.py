"""The account page: tokens shown once, reminder preferences, calendar link."""


def test_the_account_page_shows_a_new_token_once_and_the_reminder_settings(as_person):
    client = as_person("manager")
    page = client.post("/account/", {"name": "Grafana", "scopes": ["intake"]}).content.decode()
    assert "<title>My account · IncidentDesk</title>" in page
    assert page.count("<h2>Reminders</h2>") == 1
    token = page.split('id="new-token"')[1].split("<code>")[1].split("</code>")[0]
    assert token.startswith("idk_")
    assert token not in client.get("/account/").content.decode()
