"""The folder of sessions on the web: the page (an installable app for the phone), the server, and the API that
makes and deletes sessions from the page.

page.py draws the page (its script and styles in static/), server.py serves the folder, api.py answers the
page's requests, jobs.py runs the builds it asks for one at a time.
"""
