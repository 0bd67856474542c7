"""The browser door of `convquest serve --web-port`: see `door` (the pages, the login, each
browser's session) and `child` (one game under Textual's web driver)."""

from convquest.classroom.web.door import WebDoor

__all__ = ["WebDoor"]
