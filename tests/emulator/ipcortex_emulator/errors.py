"""The one exception every layer raises to refuse a request."""


class Refusal(Exception):
    """A request the PBX answers with ``{"result": "fail", "message": ...}``.

    ``status`` is the HTTP status of the reply: 200 for a refused call that was
    authenticated and well formed (as the real PBX does), otherwise 400/401/404/405.
    """

    def __init__(self, message, status=200):
        super().__init__(message)
        self.message = message
        self.status = status
