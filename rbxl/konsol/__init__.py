"""The console (`rbxl konsol`): a local web page over the same library the CLI uses.

app: pages and buttons (Starlette, Jinja2); state: what a period's files say (read, never decided);
actions: each button's library call, the one the CLI command makes; jobs: background runs under the
period lock; security: token, session, origin and CSRF checks, upload limits; server: uvicorn.
"""
